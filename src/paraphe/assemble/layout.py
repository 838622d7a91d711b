"""Reading a rendered PDF back: where headings are and where text lies."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree, Pdf
from pypdf import PageObject


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


def headings(pdf: Pdf) -> list[Heading]:
    """LibreOffice exports the document's headings as bookmarks: read them back, each before its children."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    found: list[Heading] = []
    seen: set[tuple[int, int]] = set()
    outlines = pdf.Root.get("/Outlines")
    # A stack rather than a recursive inner function: that one, referring to itself, held the document in a
    # reference cycle, so that each document's qpdf objects lived on until Python's collector ran.
    waiting = [(outlines.get("/First"), 0)] if isinstance(outlines, Dictionary) else []
    while waiting:
        item, level = waiting.pop()
        if isinstance(item, Dictionary) and (item.objgen not in seen or not item.is_indirect):
            seen.add(item.objgen)
            page = _destination_page(pdf, item, pages)
            if page is not None:
                found.append(Heading(level, normalise(str(item.get("/Title", ""))), page))
            waiting.append((item.get("/Next"), level))  # its next sibling, once its children are read
            waiting.append((item.get("/First"), level + 1))
    return found


def _destination_page(pdf: Pdf, item: Dictionary, pages: dict[tuple[int, int], int]) -> int | None:
    """The page a bookmark opens: its destination's, or its « go to » action's; by name too."""
    destination: object = item.get("/Dest")
    action = item.get("/A")
    if destination is None and isinstance(action, Dictionary) and action.get("/S") == Name.GoTo:
        destination = action.get("/D")
    if isinstance(destination, (Name, pikepdf.String)):
        destination = _named_destination(pdf, destination)
    if isinstance(destination, Dictionary):
        destination = destination.get("/D")
    if not isinstance(destination, Array) or len(destination) == 0:
        return None
    target = destination[0]
    if not isinstance(target, Dictionary) or not target.is_indirect:
        return None
    return pages.get(target.objgen)


def _named_destination(pdf: Pdf, name: object) -> object:
    if isinstance(name, Name):
        dests = pdf.Root.get("/Dests")
        return dests.get(str(name)) if isinstance(dests, Dictionary) else None
    names = pdf.Root.get("/Names")
    tree = names.get("/Dests") if isinstance(names, Dictionary) else None
    if not isinstance(tree, Dictionary):
        return None
    try:
        return NameTree(tree).get(str(name))
    except (pikepdf.PdfError, ValueError, TypeError):
        return None


def fragments(page: PageObject) -> list[Fragment]:
    """Text pieces of a page with their baseline origin, in content order."""
    pieces: list[Fragment] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        if text.strip():
            pieces.append(fragment(text, cm, tm, size))

    page.extract_text(visitor_text=visit)
    return pieces


def fragment(text: str, cm: Sequence[float], tm: Sequence[float], size: float) -> Fragment:
    """A piece of text shown with the text matrix `tm` under the matrix `cm`, at its baseline's origin."""
    x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
    y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
    scale = abs(tm[3] * cm[3]) or 1.0
    return Fragment(normalise(text), x, y, size * scale)


def find_text(pieces: list[Fragment], wanted: str) -> Fragment | None:
    """The first place where `wanted` starts, even when split over consecutive pieces of a line, or
    wrapped onto the next lines of the same column (a long name breaks, at a space or after a hyphen)."""
    target = normalise(wanted)
    for i, first in enumerate(pieces):
        candidates = {first.text} if target.startswith(first.text) else set()
        j, previous = i + 1, first
        while candidates and target not in candidates and j < len(pieces) and _continues(first, previous, pieces[j]):
            piece = pieces[j].text
            candidates = {
                c + sep + piece for c in candidates for sep in ("", " ") if target.startswith(c + sep + piece)
            }
            previous = pieces[j]
            j += 1
        if target in candidates:
            return first
    return None


def _continues(first: Fragment, previous: Fragment, piece: Fragment) -> bool:
    """`piece` follows on the same line, or starts the next line of the column `first` began."""
    if abs(piece.y - previous.y) < 1:
        return True
    return abs(piece.x - first.x) < 3 and 0 < previous.y - piece.y < 2 * max(previous.size, 1)


def find_text_missing_glyphs(pieces: list[Fragment], wanted: str) -> Fragment | None:
    """Where `wanted` starts when some of its letters are in no font of the document.

    LibreOffice draws such letters from a fallback font, apart: the main run reads « Ng c Ánh
    Nguy n » for « Ngọc Ánh Nguyễn ». A piece whose letters are, in order, most of `wanted`'s
    letters (and nothing else) is taken for it. Only asked when `find_text` found nothing.
    """
    target = normalise(wanted).replace(" ", "")
    for piece in pieces:
        letters = piece.text.replace(" ", "")
        if letters and len(letters) >= 0.7 * len(target) and _in_order(letters, target):
            return piece
    return None


def _in_order(letters: str, target: str) -> bool:
    remaining = iter(target)
    return all(letter in remaining for letter in letters)


def find_heading(marks: list[Heading], title: str) -> Heading | None:
    """The heading whose text is `title`, as the reader's outline of the document gives it."""
    wanted = _outline_key(title)
    return next((m for m in marks if _outline_key(m.title) == wanted), None)


def _outline_key(text: str) -> str:
    """A heading's text as both sides can agree on it: LibreOffice's bookmarks lose backslashes.

    Its PDF export reads a bookmark's text as if backslashes escaped the next character: « a\\b »
    is exported « ab », « \\\\ » as « \\ », a trailing « \\ » vanishes (the page itself shows the
    heading as typed). Backslashes are left out of both sides, so an annex titled « C:\\dossier »
    is still found, whether or not a LibreOffice version does this.
    """
    return " ".join(normalise(text).replace("\\", "").split())
