"""Text stamped over finished pages: page numbers, the build fingerprint and the « PROJET » mark.

pypdf cannot typeset, and these stamps are a few ASCII characters in a
standard PDF font, so they are written as tiny content streams whose widths
come from the Helvetica metrics (every PDF reader has these fonts).
"""

from __future__ import annotations

import math

from pypdf import PageObject
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
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


def _overlay(page: PageObject, content: bytes, *, bold: bool = False, alpha: float | None = None) -> None:
    box = page.mediabox
    overlay = PageObject.create_blank_page(width=box.width, height=box.height)
    resources = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/PF"): _font("/Helvetica-Bold" if bold else "/Helvetica")})}
    )
    if alpha is not None:
        resources[NameObject("/ExtGState")] = DictionaryObject(
            {
                NameObject("/PGS"): DictionaryObject(
                    {NameObject("/ca"): FloatObject(alpha), NameObject("/CA"): FloatObject(alpha)}
                )
            }
        )
    overlay[NameObject("/Resources")] = resources
    stream = DecodedStreamObject()
    offset = f"1 0 0 1 {float(box.left):.2f} {float(box.bottom):.2f} cm ".encode()
    stream.set_data(b"q " + offset + content + b" Q")
    overlay[NameObject("/Contents")] = stream
    page.merge_page(overlay)


def stamp_page_number(page: PageObject, number: int, total: int, *, right_margin: float, baseline: float) -> None:
    """« N / M » right-aligned in the footer."""
    text = f"{number} / {total}"
    size = 8.0
    x = float(page.mediabox.width) - right_margin - text_width(text, size)
    content = f"BT /PF {size:g} Tf 0.33 g {x:.2f} {baseline:.2f} Td ({text}) Tj ET".encode()
    _overlay(page, content)


def stamp_fingerprint(page: PageObject, fingerprint: str, *, left_margin: float, baseline: float) -> None:
    """« Empreinte : … » under the footer, left-aligned: the build's provenance on every page."""
    content = f"BT /PF 6 Tf 0.45 g {left_margin:.2f} {baseline:.2f} Td (Empreinte : {fingerprint}) Tj ET".encode()
    _overlay(page, content)


def stamp_draft(page: PageObject) -> None:
    """A large translucent diagonal « PROJET » across the page."""
    text, size = "PROJET", 120.0
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    angle = math.atan2(height, width)
    cos, sin = math.cos(angle), math.sin(angle)
    half = text_width(text, size, _HELVETICA_BOLD) / 2
    # Start point so the word's centre sits on the page's centre.
    x = width / 2 - cos * half + sin * size * 0.35
    y = height / 2 - sin * half - cos * size * 0.35
    content = (
        f"/PGS gs 0.75 0 0 rg BT /PF {size:g} Tf {cos:.4f} {sin:.4f} {-sin:.4f} {cos:.4f} {x:.2f} {y:.2f} Tm "
        f"({text}) Tj ET"
    ).encode()
    _overlay(page, content, bold=True, alpha=0.18)


def rectangle(x0: float, y0: float, x1: float, y1: float) -> ArrayObject:
    return ArrayObject([FloatObject(round(v, 2)) for v in (x0, y0, x1, y1)])
