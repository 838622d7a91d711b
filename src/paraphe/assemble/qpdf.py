"""The document as qpdf (pikepdf) holds it while assembly changes it: read from memory, written the same way
every time."""

from __future__ import annotations

import contextlib
import io
import os
import warnings

import pikepdf
from pikepdf import Pdf

# Page attributes a page takes from the page tree above it when it has none of its own.
INHERITABLE = ("/MediaBox", "/CropBox", "/Resources", "/Rotate")


def open_pdf(data: bytes, files: contextlib.ExitStack, *, inherit_page_attributes: bool = True) -> Pdf:
    """`data` opened by qpdf. `files` closes what it is read from once the document is written:
    qpdf reads the streams' data only when it writes them out.

    Where Linux offers it, the bytes go in an anonymous in-memory file that qpdf maps, rather than
    a BytesIO qpdf reads through a Python call per block (half the time, for a 23-page SDSF).
    `inherit_page_attributes`: pikepdf's, whether each page gets those it takes from the page tree.
    """
    if hasattr(os, "memfd_create"):
        source = files.enter_context(os.fdopen(os.memfd_create("paraphe-pdf"), "w+b"))
        source.write(data)
        source.flush()
        source.seek(0)
        return files.enter_context(
            pikepdf.open(source, access_mode=pikepdf.AccessMode.mmap, inherit_page_attributes=inherit_page_attributes)
        )
    return files.enter_context(pikepdf.open(io.BytesIO(data), inherit_page_attributes=inherit_page_attributes))


def pdf_bytes(pdf: Pdf) -> bytes:
    """The document as qpdf writes it: the same objects give the same bytes (the second half of the
    trailer's /ID is derived from the content, not from the clock); the XMP is left as paraphe wrote it.

    Written to an in-memory file where Linux offers one: qpdf writes to a BytesIO in twice the time.
    """
    with (
        os.fdopen(os.memfd_create("paraphe-pdf"), "w+b") if hasattr(os, "memfd_create") else io.BytesIO() as out,
        warnings.catch_warnings(),
    ):
        # An annex's own form fields stay on its pages, out of the document's form, which lists only
        # the signature fields (as before pikepdf): pikepdf's warning about such widgets is expected.
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
        out.seek(0)
        return out.read()
