"""Text stamped over finished pages: page numbers, the build fingerprint and the « PROJET » mark.

pypdf cannot typeset, and these stamps are a few ASCII characters, so they are written as
tiny content streams in Liberation Sans, embedded once per document (typeface.py). Each is
marked as an artifact (ISO 32000-1, 14.8.2.2): decoration that screen readers and the
structure tree leave out. The watermark is drawn as outlines: no text to extract.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)

from paraphe.assemble.typeface import embedded_font, outlined_form, text_width

__all__ = ["Frame", "frame", "rectangle", "stamp_draft", "stamp_fingerprint", "stamp_page_number", "text_width"]

# Resource names of our own: a page's names (/F1, /GS0…) stay as they are, ours cannot collide.
_REGULAR, _ALPHA, _DRAFT = NameObject("/ParapheF"), NameObject("/ParapheGS"), NameObject("/ParapheDraft")

# Marked-content tags of the artifacts (ISO 32000-1, table 330): page furniture, not content.
FOOTER = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC "
WATERMARK = b"/Artifact <</Type /Pagination /Subtype /Watermark>> BDC "
HEADER = b"/Artifact <</Type /Pagination /Subtype /Header>> BDC "
DRAFT_WORD = "PROJET"


def _literal(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _winansi_literal(text: str) -> bytes:
    """`text` as a PDF string in the stamps' WinAnsi font (a character it lacks becomes « ? »)."""
    return _literal(text).encode("cp1252", "replace")


@dataclass(frozen=True)
class Frame:
    """The page as a reader shows it: the visible box (crop box within media box), turned by /Rotate.

    `matrix` maps the shown page's coordinates (origin bottom left, x to the right as read) to
    the page's own, so a footer drawn at (x, 30) sits upright at the bottom of what is seen.
    """

    width: float
    height: float
    matrix: tuple[float, float, float, float, float, float]


def frame(page: PageObject) -> Frame:
    media, crop = page.mediabox, page.cropbox
    left, right = max(float(media.left), float(crop.left)), min(float(media.right), float(crop.right))
    bottom, top = max(float(media.bottom), float(crop.bottom)), min(float(media.top), float(crop.top))
    width, height = right - left, top - bottom
    turn = int(page.get("/Rotate", 0)) % 360
    if turn == 90:
        return Frame(height, width, (0, 1, -1, 0, right, bottom))
    if turn == 180:
        return Frame(width, height, (-1, 0, 0, -1, right, top))
    if turn == 270:
        return Frame(height, width, (0, -1, 1, 0, left, top))
    return Frame(width, height, (1, 0, 0, 1, left, bottom))


def _overlay(page: PageObject, content: bytes, *, draft: bool = False, alpha: float | None = None) -> None:
    """Draw `content` (in the shown page's coordinates) over the page, changing nothing it shares.

    Pages may share their content streams and resources (several annex pages drawn by one
    stream): the page gets a new /Contents array around the streams it had, and a copy of its
    resources, so a stamp lands on this page only.
    """
    writer = page.indirect_reference.pdf if page.indirect_reference is not None else None
    if writer is None or not hasattr(writer, "_add_object"):
        raise ValueError("a stamped page belongs to a PdfWriter")
    resources = _own_resources(page)
    if draft:
        _own(resources, "/XObject")[_DRAFT] = outlined_form(writer, DRAFT_WORD)[0]
    else:
        _own(resources, "/Font")[_REGULAR] = embedded_font(writer)
    if alpha is not None:
        _own(resources, "/ExtGState")[_ALPHA] = DictionaryObject(
            {NameObject("/ca"): FloatObject(alpha), NameObject("/CA"): FloatObject(alpha)}
        )
    cm = " ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in frame(page).matrix)
    before, after = DecodedStreamObject(), DecodedStreamObject()
    # q … Q around the page's own drawing: whatever state it leaves (a scale, a colour) is undone.
    before.set_data(b"q\n")
    after.set_data(b"\nQ q " + cm.encode() + b" cm " + content + b" EMC Q")
    page[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(before), *_content_references(page, writer), writer._add_object(after.flate_encode())]
    )


def _content_references(page: PageObject, writer: Any) -> list[Any]:
    contents = page.get("/Contents")
    if contents is None:
        return []
    resolved = contents.get_object()
    if isinstance(resolved, ArrayObject):
        return [item if isinstance(item, IndirectObject) else writer._add_object(item) for item in resolved]
    return [contents if isinstance(contents, IndirectObject) else writer._add_object(resolved)]


def _own_resources(page: PageObject) -> DictionaryObject:
    shared = page.get("/Resources")
    resources = DictionaryObject(shared.get_object() if shared is not None else {})
    page[NameObject("/Resources")] = resources
    return resources


def _own(resources: DictionaryObject, key: str) -> DictionaryObject:
    shared = resources.get(key)
    copy = DictionaryObject(shared.get_object() if shared is not None else {})
    resources[NameObject(key)] = copy
    return copy


def stamp_page_number(page: PageObject, number: int, total: int, *, right_margin: float, baseline: float) -> None:
    """« N / M » right-aligned in the footer."""
    text = f"{number} / {total}"
    size = 8.0
    x = frame(page).width - right_margin - text_width(text, size)
    content = f"BT /ParapheF {size:g} Tf 0.33 g {x:.2f} {baseline:.2f} Td {_literal(text)} Tj ET".encode()
    _overlay(page, FOOTER + content)


def stamp_fingerprint(page: PageObject, fingerprint: str, *, left_margin: float, baseline: float) -> None:
    """« Empreinte : … » under the footer, left-aligned: the build's provenance on every page."""
    shown = _literal(f"Empreinte : {fingerprint}")
    content = f"BT /ParapheF 6 Tf 0.45 g {left_margin:.2f} {baseline:.2f} Td {shown} Tj ET".encode()
    _overlay(page, FOOTER + content)


def stamp_reading_copy(page: PageObject, text: str, *, left_margin: float) -> None:
    """A reading copy's mark across the top of the page, in dark red: « Version consolidée … »."""
    y = frame(page).height - 18
    position = f"BT /ParapheF 8 Tf 0.6 0 0 rg {left_margin:.2f} {y:.2f} Td ".encode()
    _overlay(page, HEADER + position + _winansi_literal(text) + b" Tj ET")


def stamp_draft(page: PageObject) -> None:
    """A large translucent diagonal « PROJET » across the page, drawn as shapes, not text."""
    size = 120.0
    writer = page.indirect_reference.pdf if page.indirect_reference is not None else None
    if not isinstance(writer, PdfWriter):
        raise ValueError("a stamped page belongs to a PdfWriter")
    width = outlined_form(writer, DRAFT_WORD)[1]
    shown = frame(page)
    angle = math.atan2(shown.height, shown.width)
    cos, sin = math.cos(angle), math.sin(angle)
    half = width * size / 1000 / 2
    # Start point so the word's centre sits on the page's centre.
    x = shown.width / 2 - cos * half + sin * size * 0.35
    y = shown.height / 2 - sin * half - cos * size * 0.35
    scale = size / 1000
    content = (
        f"/ParapheGS gs 0.75 0 0 rg {cos * scale:.6f} {sin * scale:.6f} {-sin * scale:.6f} {cos * scale:.6f} "
        f"{x:.2f} {y:.2f} cm /ParapheDraft Do"
    ).encode()
    _overlay(page, WATERMARK + content, draft=True, alpha=0.18)


def rectangle(x0: float, y0: float, x1: float, y1: float) -> ArrayObject:
    return ArrayObject([FloatObject(round(v, 2)) for v in (x0, y0, x1, y1)])
