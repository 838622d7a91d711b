"""Signature fields: one empty field per signatory, over that signatory's block on the signature page.

The build finds each signatory's name in the converted PDF (LibreOffice decides where it falls)
and draws the field over it, as wide as its column and up to the text above.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, Stream, String
from pypdf import PageObject, PdfReader
from pypdf.errors import PdfReadError

from paraphe.assemble.layout import (
    Fragment,
    Heading,
    find_heading,
    find_text,
    find_text_missing_glyphs,
    fragments,
)
from paraphe.assemble.page_text import CHECK_VARIABLE, NotCovered, page_fragments
from paraphe.assemble.qpdf import pdf_bytes
from paraphe.assemble.stamp import rectangle
from paraphe.assemble.tagging import tag_annotation
from paraphe.diagnostics import Location
from paraphe.errors import AssemblyError
from paraphe.i18n import _
from paraphe.manifest.model import Convention
from paraphe.render.typography import fr_text

SIGNATURES_HEADING = "Signatures"
FIELD_HEIGHT_MIN = 30.0


@dataclass(frozen=True)
class _Box:
    """A page's media box, as wide as it is, and where its right edge is."""

    width: float
    right: float


@dataclass(frozen=True)
class SignatureField:
    name: str
    tooltip: str
    page: int
    rect: tuple[float, float, float, float]


def locate_signature_fields(convention: Convention, pdf: Pdf, marks: list[Heading], name: str) -> list[SignatureField]:
    """Each signatory's field, over their name as the converted body `pdf` shows it (before any change)."""
    start = find_heading(marks, SIGNATURES_HEADING)
    if start is None:
        raise AssemblyError.at(
            Location(name), _("the rendered document has no « Signatures » heading"), "signature.page"
        )
    later = [m.page for m in marks if m.level == 0 and m.page > start.page]
    end = min(later) if later else len(pdf.pages)
    shown = range(start.page, max(end, start.page + 1))
    pages, boxes = _signature_text(pdf, shown)
    fields: list[SignatureField] = []
    for signatory in convention.signatories:
        tooltip = f"Signature de {signatory.title} ({signatory.name})"
        # A name printed twice (one person signing for two bodies) gets one field per block.
        taken = {(f.page, f.rect[0], f.rect[1]) for f in fields}
        field = _field_for(signatory.id, tooltip, fr_text(signatory.name), pages, boxes, taken)
        if field is None:
            raise AssemblyError.at(
                Location(name),
                _("signatory block of {name!r} not found on the signature page", name=signatory.name),
                "signature.block",
            )
        fields.append(field)
    return fields


def _signature_text(pdf: Pdf, shown: range) -> tuple[dict[int, list[Fragment]], dict[int, _Box]]:
    """The text pieces of the pages `shown` (by their index in `pdf`) and each page's box: read by qpdf
    (`page_text`), or by pypdf where that reading does not cover a page."""
    try:
        quick = {index: page_fragments(pdf.pages[index]) for index in shown}
    except NotCovered:
        return _read_by_pypdf(pdf, shown)
    boxes = {index: _box(pdf.pages[index]) for index in shown}
    if os.environ.get(CHECK_VARIABLE) == "1" and _read_by_pypdf(pdf, shown) != (quick, boxes):
        raise AssertionError(f"the signature pages read by qpdf differ from pypdf's reading: {quick}")
    return quick, boxes


def _box(page: pikepdf.Page) -> _Box:
    left, _bottom, right, _top = (float(v) for v in page.mediabox)
    return _Box(right - left, right)


def _read_by_pypdf(pdf: Pdf, shown: range) -> tuple[dict[int, list[Fragment]], dict[int, _Box]]:
    try:
        reader = _signature_pages(pdf, shown, strict=True)
        pages = {index: fragments(page) for index, page in reader.items()}
    except PdfReadError:  # read leniently, as any PDF, what pypdf's strict reading stops at
        reader = _signature_pages(pdf, shown, strict=False)
        pages = {index: fragments(page) for index, page in reader.items()}
    boxes = {index: _Box(float(page.mediabox.width), float(page.mediabox.right)) for index, page in reader.items()}
    return pages, boxes


def _signature_pages(pdf: Pdf, shown: range, *, strict: bool) -> dict[int, PageObject]:
    """The pages `shown` (by their index in `pdf`) as pypdf reads them, from a file of those pages alone:
    pypdf reads a few objects rather than the whole body's table of thousands (a third of its time)."""
    with pikepdf.new() as pages:
        for index in shown:
            pages.pages.append(pdf.pages[index])
        reader = PdfReader(io.BytesIO(pdf_bytes(pages)), strict=strict)
    return dict(zip(shown, reader.pages, strict=True))


def _field_for(
    field_name: str,
    tooltip: str,
    person: str,
    pages: dict[int, list[Fragment]],
    boxes: dict[int, _Box],
    taken: set[tuple[int, float, float]],
) -> SignatureField | None:
    # The name as typed first, on every page; only then with letters no font of the document holds.
    for finder in (find_text, find_text_missing_glyphs):
        for index, pieces in pages.items():
            free = [p for p in pieces if (index, p.x - 2, p.y + p.size + 2) not in taken]
            found = finder(free, person)
            if found is not None:
                return _field_over(field_name, tooltip, index, found, pieces, boxes[index])
    return None


def _field_over(
    field_name: str, tooltip: str, index: int, found: Fragment, pieces: list[Fragment], box: _Box
) -> SignatureField:
    """The signature field over a signatory's name: as wide as its column, up to the text above."""
    text_left = min(p.x for p in pieces)
    column = (box.width - 2 * text_left) / 2
    left = found.x - 2
    right = min(left + column - 12, box.right - text_left)
    bottom = found.y + found.size + 2
    above = [p.y for p in pieces if p.y > bottom and left - 4 <= p.x < right]
    top = (min(above) - 4) if above else bottom + 70
    if top - bottom < FIELD_HEIGHT_MIN:
        top = bottom + FIELD_HEIGHT_MIN
    return SignatureField(field_name, tooltip, index, (left, bottom, right, top))


def add_signature_fields(pdf: Pdf, fields: list[SignatureField]) -> None:
    root = pdf.Root
    if "/AcroForm" not in root:
        root.AcroForm = pdf.make_indirect(Dictionary())
    form = root.AcroForm
    if "/Fields" not in form:
        form.Fields = Array()
    for field in fields:
        page = pdf.pages[field.page]
        x0, y0, x1, y1 = field.rect
        appearance = Stream(
            pdf,
            f"q 0.6 g 0.6 G 0.5 w [2 2] 0 d 0.25 0.25 {x1 - x0 - 0.5:.2f} {y1 - y0 - 0.5:.2f} re S Q".encode(),
            Type=Name.XObject,
            Subtype=Name.Form,
            BBox=rectangle(0, 0, x1 - x0, y1 - y0),
        )
        widget = pdf.make_indirect(
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.Widget,
                FT=Name.Sig,
                T=String(field.name),
                TU=String(field.tooltip),
                F=4,
                Rect=rectangle(x0, y0, x1, y1),
                P=page.obj,
                AP=Dictionary(N=appearance),
            )
        )
        if "/Annots" not in page.obj:
            page.obj.Annots = Array()
        page.obj.Annots.append(widget)
        form.Fields.append(widget)
        tag_annotation(pdf, widget, page, field.tooltip)
