"""A schéma's body in reading order: its chapters (parts, sub-parts, their content) and its fiches.

A part is printed where the manifest lists it, followed by its sub-parts and by the sections that
name it; sections that name no part come before the first part that receives sections, or after
every part when none does. The printed table of contents (« Sommaire ») lists the same headings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from paraphe.manifest.model import Block, Convention, FigureBlock, Part, Section
from paraphe.render.blocks import annex_heading
from paraphe.render.typography import fr_text

# A schéma's fiche (context.py builds it), and a block of figures (with its chart when images are made).
FicheMaker = Callable[[Section], dict[str, Any]]
FigureMaker = Callable[[FigureBlock], dict[str, Any]]


def body(c: Convention, fiche: FicheMaker, figures: FigureMaker, *, with_fiches: bool = True) -> list[dict[str, Any]]:
    """Chapters (« kind »: « chapter ») and fiches (« kind »: « fiche ») in the document's order."""
    receiving = {s.part for s in c.sections if s.part}
    loose = [s for s in c.sections if not s.part] if with_fiches else []

    def fiches_of(part: Part) -> list[dict[str, Any]]:
        if not with_fiches or part.id is None:
            return []
        return [fiche(s) for s in c.sections if s.part == part.id]

    def chapter(part: Part) -> Iterator[dict[str, Any]]:
        yield _chapter(part, figures)
        for sub in part.parts:
            yield from chapter(sub)
        yield from fiches_of(part)

    items: list[dict[str, Any]] = []
    placed = not loose
    for part in c.parts:
        if not placed and any(p.id in receiving for p in part.walk()):
            items.extend(fiche(s) for s in loose)
            placed = True
        items.extend(chapter(part))
    if not placed:
        items.extend(fiche(s) for s in loose)
    return items


def _chapter(part: Part, figures: FigureMaker) -> dict[str, Any]:
    return {
        "kind": "chapter",
        "depth": part.depth,
        "heading": fr_text(part.heading),
        "subtitle": fr_text(part.subtitle) if part.subtitle else "",
        "blocks": [_block(b, figures) for b in part.content],
    }


def _block(block: Block, figures: FigureMaker) -> dict[str, Any]:
    table = block.table
    return {
        "kind": block.kind,
        "text": fr_text(block.text),
        "points": [fr_text(i) for i in block.items],
        "title": fr_text(table.title) if table and table.title else "",
        "columns": [fr_text(col) for col in table.columns] if table else [],
        "rows": [[fr_text(cell) if cell else "" for cell in row] for row in table.rows] if table else [],
        "source": fr_text(f"Source : {table.source}") if table and table.source else "",
        "figures": figures(block.figures) if block.figures else None,
    }


# A Sommaire's page number before the pages are known: as wide as a document of 10 to 99 pages numbers
# them, so that the layout the numbers are read from is the layout they are printed in.
PAGE_PLACEHOLDER = "00"


def contents(
    c: Convention, fiche_heading: Callable[[Section], str], pages: Sequence[str] | None = None
) -> dict[str, Any] | None:
    """The printed « Sommaire »: the headings a reader looks for, with their depth (0 or more) and the
    page where each is printed (`pages`, in the lines' order; the placeholder until they are known)."""
    if c.contents_title is None:
        return None
    lines: list[dict[str, Any]] = []

    def add(text: str, depth: int) -> None:
        lines.append({"text": fr_text(text), "depth": depth})

    if c.preamble:
        add(c.preamble_title, 0)
    if c.identity is not None:
        add(c.identity.title, 0)
    fiches_in_annex = any(a.generated == "fiches" for a in c.annexes)

    order = body(
        c,
        lambda s: {"kind": "fiche", "depth": 1 if s.part else 0, "heading": fiche_heading(s)},
        lambda _f: {},
        with_fiches=not fiches_in_annex,
    )
    for item in order:
        if item["depth"] < c.contents_depth:
            lines.append({"text": item["heading"], "depth": item["depth"]})
    add("Signatures", 0)
    for number, annex in enumerate(c.annexes, 1):
        lines.append({"text": annex_heading(number, annex.title), "depth": 0})
    for index, line in enumerate(lines):
        line["page"] = PAGE_PLACEHOLDER if pages is None or index >= len(pages) else pages[index]
    return {"title": fr_text(c.contents_title), "lines": lines}
