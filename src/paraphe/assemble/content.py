"""The content digest of the file assembly writes, read by qpdf rather than parsed again by pypdf, and the
build record that holds it, put in the file without writing it twice: read from the document before it is
written where qpdf will write every stream it covers as it stands, from the written file otherwise.

`provenance.content_digest` is the reference: `sign` and `verify` compute it with pypdf. This reading
gives the very same digest for the files qpdf writes (same pages, same objects in the same order, each
scalar as pypdf reads and writes it back), in a fraction of pypdf's time. Wherever pypdf could read a
thing otherwise (a name or key outside printable ASCII, an odd annotation, nesting near the limit, a
page tree qpdf did not flatten), it gives up (`NotCovered`) and the reference reading decides.
`PARAPHE_CHECK_DIGEST=1` computes both on every build and stops on any difference (the tests set it).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import TypeGuard, cast

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, Stream, String
from pypdf import PdfReader
from pypdf.generic import (
    BooleanObject,
    FloatObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    create_string_object,
)

from paraphe.assemble.qpdf import INHERITABLE, open_pdf, pdf_bytes
from paraphe.provenance import (
    ANNOTATION_SKIP,
    CATALOG_SKIP,
    CONTENT_DIGEST_VERSION,
    FORM_SKIP,
    MAX_DEPTH,
    PAGE_SKIP,
    RECORD_KEY,
    SIGNATURE_WIDGET_SKIP,
    BuildRecord,
    IndirectDigests,
    content_digest,
)

CHECK_VARIABLE = "PARAPHE_CHECK_DIGEST"
_DEPTH_COVERED = MAX_DEPTH // 2  # deeper, pypdf's count of levels (one more per reference) is the one to trust


# Written where the record's content digest goes until it is known: hexadecimal digits, as the digest's,
# so that it takes as many bytes in the file, however qpdf writes the string.
_TO_COME = f"{CONTENT_DIGEST_VERSION}:{hashlib.sha256(b'paraphe: the content digest to come').hexdigest()}"


class NotCovered(Exception):
    """The file holds something this reading does not read exactly as pypdf does."""


def written_with_record(pdf: Pdf, record: BuildRecord) -> bytes:
    """The file, with `record` in its document information, completed with the digest of the file's content.

    Written once. The digest is read from the document before it is written, where every stream it covers
    is compressed already (LibreOffice's, and what paraphe adds: `qpdf.flate_stream`), so that qpdf writes
    each as it stands. Otherwise (an annex's stream left uncompressed, or compressed another way, which qpdf
    may write anew) the record goes in with a stand-in, the digest is read from the written file, then put in
    the stand-in's place, byte for byte as long; only where the stand-in is not found exactly once is the
    file written again.
    """
    pdf.docinfo["/ParapheFingerprint"] = String(record.fingerprint)
    try:
        content = _digest(pdf, as_written=False)
    except NotCovered:
        return _written_then_digested(pdf, record)
    pdf.docinfo[RECORD_KEY] = String(replace(record, content=content).to_json())
    written = pdf_bytes(pdf)
    if os.environ.get(CHECK_VARIABLE) == "1" and written_content_digest(written) != content:
        raise AssertionError(f"content digest read before writing {content} ≠ the written file's")
    return written


def _written_then_digested(pdf: Pdf, record: BuildRecord) -> bytes:
    # The identifier's second half is then derived from the file with the stand-in (`pdf_bytes`): as much the
    # document's own, the same content giving the same identifier.
    pdf.docinfo[RECORD_KEY] = String(replace(record, content=_TO_COME).to_json())
    written = pdf_bytes(pdf)
    content = written_content_digest(written)
    stand_ins = list(zip(_string_forms(_TO_COME), _string_forms(content), strict=True))
    if sum(written.count(stand_in) for stand_in, _digest in stand_ins) == 1:
        for stand_in, digest in stand_ins:
            written = written.replace(stand_in, digest)
        return written
    pdf.docinfo[RECORD_KEY] = String(replace(record, content=content).to_json())
    return pdf_bytes(pdf)


def _string_forms(text: str) -> tuple[bytes, ...]:
    """How qpdf may write ASCII `text` within a string: as it is (a literal string in PDFDocEncoding), or
    as hexadecimal UTF-16 (a record with a name outside PDFDocEncoding), in either case."""
    utf16 = text.encode("utf-16-be").hex()
    return text.encode("ascii"), utf16.encode(), utf16.upper().encode()


def written_content_digest(data: bytes) -> str:
    """`provenance.content_digest` of the written file `data`, as `sign` and `verify` will compute it."""
    try:
        quick: str | None = _quick_digest(data)
    except NotCovered:
        quick = None
    if quick is None or os.environ.get(CHECK_VARIABLE) == "1":
        reference = content_digest(PdfReader(io.BytesIO(data)))
        if quick is not None and quick != reference:
            raise AssertionError(f"content digest read by qpdf {quick} ≠ pypdf's {reference}")
        return reference
    return quick


def _quick_digest(data: bytes) -> str:
    with contextlib.ExitStack() as files:
        return _digest(open_pdf(data, files, inherit_page_attributes=False), as_written=True)


def _digest(pdf: Pdf, *, as_written: bool) -> str:
    """The content digest of `pdf`: a file as written (`as_written`), or a document about to be, whose
    streams must then all be compressed already (NotCovered otherwise)."""
    pages = _flat_pages(pdf)
    walker = _Walker({page.objgen[0]: index for index, page in enumerate(pages)}, as_written=as_written)
    digest = hashlib.sha256()
    for page in pages:
        digest.update(b"page")
        digest.update(walker.dictionary(page, PAGE_SKIP, depth=0))
        for annot in _annotations(page):
            if not _is_dict(annot):
                digest.update(walker.direct(annot, depth=1))
            elif _is_signature_widget(annot):
                if not _zero_area(annot):
                    digest.update(b"signature widget" + walker.dictionary(annot, SIGNATURE_WIDGET_SKIP, depth=1))
            else:
                digest.update(b"annotation" + walker.dictionary(annot, ANNOTATION_SKIP, depth=1))
    catalog = pdf.Root
    digest.update(b"catalog" + walker.dictionary(catalog, CATALOG_SKIP, depth=0))
    form = catalog.get("/AcroForm")
    if _is_dict(form) and any(key not in FORM_SKIP for key in form.keys()):
        digest.update(b"form" + walker.dictionary(form, FORM_SKIP, depth=0))
    return f"{CONTENT_DIGEST_VERSION}:{digest.hexdigest()}"


def _flat_pages(pdf: Pdf) -> list[pikepdf.Object]:
    """The pages, from a one-level tree holding no attribute for them to inherit (as qpdf writes it)."""
    tree = pdf.Root.get("/Pages")
    kids = tree.get("/Kids") if isinstance(tree, Dictionary) else None
    if not isinstance(tree, Dictionary) or not isinstance(kids, Array) or any(key in tree for key in INHERITABLE):
        raise NotCovered
    pages: list[pikepdf.Object] = [page.obj for page in pdf.pages]
    if len(pages) != len(kids) or any(
        not k.is_indirect or k.objgen != p.objgen for k, p in zip(kids, pages, strict=True)
    ):
        raise NotCovered
    return pages


def _annotations(page: pikepdf.Object) -> list[object]:
    annots = page.get("/Annots")
    if annots is None:
        return []
    if not isinstance(annots, Array):
        raise NotCovered
    return list(annots)


def _is_dict(value: object) -> TypeGuard[pikepdf.Object]:
    """pypdf's DictionaryObject: a stream is one too."""
    return isinstance(value, (Dictionary, Stream))


def _is_sig(value: object) -> bool:
    """`value == "/Sig"` as pypdf compares a raw entry; what it might compare otherwise is not covered."""
    if value is None:
        return False
    if not isinstance(value, Name) or value.is_indirect:
        raise NotCovered
    return value == Name.Sig


def _is_signature_widget(annot: pikepdf.Object) -> bool:
    if _is_sig(annot.get("/FT")):
        return True
    parent = annot.get("/Parent")
    return _is_dict(parent) and _is_sig(parent.get("/FT"))


def _zero_area(annot: pikepdf.Object) -> bool:
    rect = annot.get("/Rect")
    if rect is None:
        return False
    if not isinstance(rect, Array) or len(rect) != 4:
        raise NotCovered
    numbers = list(rect)
    if any(isinstance(v, bool) or not isinstance(v, (int, Decimal)) for v in numbers):
        raise NotCovered
    x0, y0, x1, y1 = (float(v) for v in numbers)
    return x0 == x1 or y0 == y1


class _Walker(IndirectDigests):
    """`provenance._Walker` over qpdf's objects: the same indirect objects' handling, the same bytes for
    each value as pypdf's reading would give."""

    def __init__(self, pages: dict[int, int], *, as_written: bool = True) -> None:
        super().__init__(pages)
        self.names: dict[str, bytes] = {}  # the same few names again and again: each written once
        # Before the writing, a stream's bytes are the file's only where qpdf writes them as they stand:
        # compressed by FlateDecode alone, or a JPEG (others qpdf may decode and compress anew; it
        # compresses what is not compressed).
        self.as_written = as_written

    def value(self, value: object, depth: int) -> bytes:
        if depth > _DEPTH_COVERED:
            raise NotCovered
        if isinstance(value, pikepdf.Object) and value.is_indirect:
            target = value
            return self.indirect(*value.objgen, lambda: self.direct(target, depth + 1))
        return self.direct(value, depth)

    def direct(self, value: object, depth: int) -> bytes:
        """The value itself, as a resolved object (never « page N »)."""
        if depth > _DEPTH_COVERED:
            raise NotCovered
        if type(value) is int:  # the commonest, written as pypdf's NumberObject writes it
            return b"NumberObject:%d" % value
        if isinstance(value, Name):
            return self.name(str(value))
        if _is_dict(value):
            return self.dictionary(value, frozenset(), depth)
        if isinstance(value, Array):
            hashed = hashlib.sha256(b"[")
            shallow = depth + 1 <= _DEPTH_COVERED
            for item in cast(Iterable[object], value):  # pikepdf gives its integers as int
                # The commonest item (a font's widths), written here rather than through two calls.
                if shallow and type(item) is int:
                    hashed.update(b"NumberObject:%d" % item)
                else:
                    hashed.update(self.value(item, depth + 1))
            return hashed.digest()
        if not self.as_written and isinstance(value, Decimal) and int(value.as_tuple().exponent) >= 0:
            # A real without decimals: qpdf writes one made from 292.0 as « 292 », which pypdf reads as an
            # integer, but one read as « 5. » as it stands, a real. Which it is, the file tells.
            raise NotCovered
        scalar = _as_pypdf(value)
        buffer = io.BytesIO()
        scalar.write_to_stream(buffer)
        return type(scalar).__name__.encode() + b":" + buffer.getvalue()

    def name(self, name: str) -> bytes:
        written = self.names.get(name)
        if written is None:
            if not _PRINTABLE_NAME.fullmatch(name):
                raise NotCovered
            buffer = io.BytesIO()
            NameObject(name).write_to_stream(buffer)
            written = self.names[name] = b"NameObject:" + buffer.getvalue()
        return written

    def dictionary(self, value: pikepdf.Object, skip: frozenset[str], depth: int) -> bytes:
        stream = isinstance(value, Stream)
        entries = dict(value.items())
        if not _PRINTABLE_NAMES.fullmatch("".join(entries)):
            raise NotCovered
        raw = value.read_raw_bytes() if stream else None
        if not self.as_written and not _written_as_it_stands(entries, raw):
            raise NotCovered
        hashed = hashlib.sha256(b"<<")
        # pypdf leaves /Length out of a stream's dictionary once it has read the stream's bytes.
        for key in sorted(k for k in entries if k not in skip and not (stream and k == "/Length")):
            hashed.update(key.encode() + b"=" + self.value(entries[key], depth + 1))
        if raw is not None:
            hashed.update(b"stream" + hashlib.sha256(raw).digest())
        return hashed.digest()


def _written_as_it_stands(entries: Mapping[str, object], raw: bytes | None) -> bool:
    """Whether qpdf writes a dictionary, and a stream's `raw` bytes, as the document holds them (qpdf 12's
    writer): it leaves out a key whose value is null, decodes an empty stream (or one its /Length says is),
    drops some /DecodeParms (an empty array), and decodes then compresses anew what another general filter
    encodes or nothing compresses."""
    if any(entry is None for entry in entries.values()):
        return False
    if raw is None:
        return True
    length = entries.get("/Length")
    return (
        entries.get("/Filter") in _WRITTEN_AS_THEY_STAND
        and "/DecodeParms" not in entries
        and len(raw) > 0
        and not (type(length) is int and length == 0)
    )


_WRITTEN_AS_THEY_STAND = (Name.FlateDecode, Name.DCTDecode)
# A name both libraries read to the same text: printable ASCII (their # escapes decoded alike).
_PRINTABLE_NAME = re.compile(r"/[!-~]*")
# A dictionary's keys (each begins with /), one after the other. Possessive: « / » is printable too, and
# a backtracking « (?:/[!-~]*)* » tried every way of cutting the keys up before failing (days at 40 keys).
_PRINTABLE_NAMES = re.compile(r"(?:/[!-~]*+)*+")


def _as_pypdf(value: object) -> PdfObject:
    """A scalar as pypdf would have read it from the same file."""
    if value is None:
        return NullObject()
    if isinstance(value, bool):
        return BooleanObject(value)
    if isinstance(value, int):
        return NumberObject(value)
    if isinstance(value, Decimal):
        return FloatObject(str(value))
    if isinstance(value, pikepdf.String):
        return create_string_object(bytes(value))
    raise NotCovered
