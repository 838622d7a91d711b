"""The document as qpdf (pikepdf) holds it while assembly changes it: read from memory, written the same way
every time."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import warnings
import zlib

import pikepdf
from pikepdf import Name, Object, Pdf, Stream

from paraphe.assemble.structure_aside import aside_of

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


def deflated(data: bytes) -> bytes:
    """`data` compressed for a FlateDecode stream (zlib's default level, qpdf's own)."""
    return zlib.compress(data)


def flate_stream(pdf: Pdf, encoded: bytes, **entries: Object | int) -> Stream:
    """A new stream of `pdf` whose data is `encoded`, already compressed (`deflated`).

    qpdf would compress a stream paraphe adds only as it writes the file; compressed here, it is written
    as it stands, so that the content digest can be read from the document before it is written
    (`content.written_with_record`), and what never changes (the stamps' font) is compressed once.
    """
    return Stream(pdf, encoded, Filter=Name.FlateDecode, **entries)


def pdf_bytes(pdf: Pdf) -> bytes:
    """The document as qpdf writes it: the same objects give the same bytes (the second half of the
    trailer's /ID is derived from the content, not from the clock); the XMP is left as paraphe wrote it.

    Written to an in-memory file where Linux offers one: qpdf writes to a BytesIO in twice the time.
    """
    identified = _identified(_saved(pdf, static_id=True))
    if identified is None:  # never seen: qpdf writes its stand-in in the last trailer
        return _saved(pdf, static_id=False)
    return identified


def _saved(pdf: Pdf, *, static_id: bool) -> bytes:
    """Written by qpdf with its static stand-in for the identifier's second half, or one it derives."""
    with (
        os.fdopen(os.memfd_create("paraphe-pdf"), "w+b") if hasattr(os, "memfd_create") else io.BytesIO() as out,
        warnings.catch_warnings(),
    ):
        # An annex's own form fields stay on its pages, out of the document's form, which lists only
        # the signature fields (as before pikepdf): pikepdf's warning about such widgets is expected.
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        aside = aside_of(pdf)
        pdf.save(
            out, fix_metadata_version=False, static_id=static_id, deterministic_id=not static_id,
            # LibreOffice's structure tree set aside: put back in a file whose objects stand one by one
            object_stream_mode=pikepdf.ObjectStreamMode.disable if aside else pikepdf.ObjectStreamMode.preserve,
        )  # fmt: skip
        out.seek(0)
        written = out.read()
        return written if aside is None else aside.spliced(written, pdf)


# What qpdf writes for the identifier's second half (and its first, where the document had none) when
# asked for a static one (QPDFWriter::generateID).
_STAND_IN = b"<31415926535897932384626433832795>"


def _identified(written: bytes) -> bytes | None:
    """`written` with qpdf's stand-in identifier replaced by the MD5 of the file as written, as qpdf's own
    `deterministic_id` derives it from the content: the same objects, the same identifier; another content,
    another. Hashed here, it costs a fifth of what it costs within qpdf's writing (5.6 of the 14 ms an
    SDSF's writing took). None where the stand-in is not in the last trailer."""
    end = written.rfind(b"startxref")
    start = written.rfind(b"/ID", 0, end) if end >= 0 else -1
    if start < 0 or _STAND_IN not in written[start:end]:
        return None
    digest = b"<" + hashlib.md5(written, usedforsecurity=False).hexdigest().encode() + b">"
    return written[:start] + written[start:end].replace(_STAND_IN, digest) + written[end:]
