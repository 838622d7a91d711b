"""Text stamped over finished pages: page numbers, the build fingerprint and the « PROJET » mark.

pypdf cannot typeset, and these stamps are a few ASCII characters in a
standard PDF font, so they are written as tiny content streams whose widths
come from the Helvetica metrics (every PDF reader has these fonts).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pypdf import PageObject
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)

# Advance widths (1/1000 em) from the Adobe Core 14 AFM files.
_HELVETICA = {**{d: 556 for d in "0123456789"}, " ": 278, "/": 278}
_HELVETICA_BOLD = {"P": 667, "R": 722, "O": 778, "J": 556, "E": 667, "T": 611}


def text_width(text: str, size: float, widths: dict[str, int] = _HELVETICA) -> float:
    return sum(widths[ch] for ch in text) * size / 1000


def _font(base: str) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject(base),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )


# Resource names of our own: a page's names (/F1, /GS0…) stay as they are, ours cannot collide.
_REGULAR, _BOLD, _ALPHA = NameObject("/ParapheF"), NameObject("/ParapheFB"), NameObject("/ParapheGS")


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


def _overlay(page: PageObject, content: bytes, *, bold: bool = False, alpha: float | None = None) -> None:
    """Draw `content` (in the shown page's coordinates) over the page, changing nothing it shares.

    Pages may share their content streams and resources (several annex pages drawn by one
    stream): the page gets a new /Contents array around the streams it had, and a copy of its
    resources, so a stamp lands on this page only.
    """
    writer = page.indirect_reference.pdf if page.indirect_reference is not None else None
    if writer is None or not hasattr(writer, "_add_object"):
        raise ValueError("a stamped page belongs to a PdfWriter")
    resources = _own_resources(page)
    fonts = _own(resources, "/Font")
    fonts[_BOLD if bold else _REGULAR] = _font("/Helvetica-Bold" if bold else "/Helvetica")
    if alpha is not None:
        _own(resources, "/ExtGState")[_ALPHA] = DictionaryObject(
            {NameObject("/ca"): FloatObject(alpha), NameObject("/CA"): FloatObject(alpha)}
        )
    cm = " ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in frame(page).matrix)
    before, after = DecodedStreamObject(), DecodedStreamObject()
    # q … Q around the page's own drawing: whatever state it leaves (a scale, a colour) is undone.
    before.set_data(b"q\n")
    after.set_data(b"\nQ q " + cm.encode() + b" cm " + content + b" Q")
    page[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(before), *_content_references(page, writer), writer._add_object(after)]
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
    content = f"BT /ParapheF {size:g} Tf 0.33 g {x:.2f} {baseline:.2f} Td ({text}) Tj ET".encode()
    _overlay(page, content)


def stamp_fingerprint(page: PageObject, fingerprint: str, *, left_margin: float, baseline: float) -> None:
    """« Empreinte : … » under the footer, left-aligned: the build's provenance on every page."""
    content = f"BT /ParapheF 6 Tf 0.45 g {left_margin:.2f} {baseline:.2f} Td (Empreinte : {fingerprint}) Tj ET".encode()
    _overlay(page, content)


def stamp_reading_copy(page: PageObject, text: str, *, left_margin: float) -> None:
    """A reading copy's mark across the top of the page, in dark red: « Version consolidée … »."""
    shown = frame(page)
    encoded = text.encode("cp1252", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    y = shown.height - 18
    content = b"BT /ParapheFB 8 Tf 0.6 0 0 rg " + f"{left_margin:.2f} {y:.2f} Td (".encode() + encoded + b") Tj ET"
    _overlay(page, content, bold=True)


def stamp_draft(page: PageObject) -> None:
    """A large translucent diagonal « PROJET » across the page."""
    text, size = "PROJET", 120.0
    shown = frame(page)
    width, height = shown.width, shown.height
    angle = math.atan2(height, width)
    cos, sin = math.cos(angle), math.sin(angle)
    half = text_width(text, size, _HELVETICA_BOLD) / 2
    # Start point so the word's centre sits on the page's centre.
    x = width / 2 - cos * half + sin * size * 0.35
    y = height / 2 - sin * half - cos * size * 0.35
    content = (
        f"/ParapheGS gs 0.75 0 0 rg BT /ParapheFB {size:g} Tf "
        f"{cos:.4f} {sin:.4f} {-sin:.4f} {cos:.4f} {x:.2f} {y:.2f} Tm ({text}) Tj ET"
    ).encode()
    _overlay(page, content, bold=True, alpha=0.18)


def rectangle(x0: float, y0: float, x1: float, y1: float) -> ArrayObject:
    return ArrayObject([FloatObject(round(v, 2)) for v in (x0, y0, x1, y1)])
