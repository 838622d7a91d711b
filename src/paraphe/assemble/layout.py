"""Reading a rendered PDF back: where headings are and where text lies."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from pypdf import PageObject, PdfReader


@dataclass(frozen=True)
class Heading:
    level: int
    title: str
    page: int


@dataclass(frozen=True)
class Fragment:
    text: str
    x: float
    y: float
    size: float


def normalise(text: str) -> str:
    """Compare text as a reader sees it: compatibility forms, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def headings(reader: PdfReader) -> list[Heading]:
    """LibreOffice exports the document's headings as bookmarks: read them back."""
    found: list[Heading] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                page = reader.get_destination_page_number(item)
                if page is not None and page >= 0:
                    found.append(Heading(level, normalise(str(item.title)), page))

    walk(reader.outline, 0)
    return found


def fragments(page: PageObject) -> list[Fragment]:
    """Text pieces of a page with their baseline origin, in content order."""
    pieces: list[Fragment] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        if not text.strip():
            return
        x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        scale = abs(tm[3] * cm[3]) or 1.0
        pieces.append(Fragment(normalise(text), x, y, size * scale))

    page.extract_text(visitor_text=visit)
    return pieces


def find_text(pieces: list[Fragment], wanted: str) -> Fragment | None:
    """The first place where `wanted` starts, even when split over consecutive pieces of a line."""
    target = normalise(wanted)
    for i, first in enumerate(pieces):
        candidates = {first.text} if target.startswith(first.text) else set()
        j = i + 1
        while candidates and target not in candidates and j < len(pieces) and abs(pieces[j].y - first.y) < 1:
            piece = pieces[j].text
            candidates = {
                c + sep + piece for c in candidates for sep in ("", " ") if target.startswith(c + sep + piece)
            }
            j += 1
        if target in candidates:
            return first
    return None
