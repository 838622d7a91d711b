"""Model → template context: every string typeset, every number formatted.

Templates receive only what they print, already in French typography, so a
secretariat editing the Word template never writes formatting logic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from paraphe.french import enumeration, plural
from paraphe.manifest.model import Action, Convention, FigureBlock, FigureItem, Section
from paraphe.placeholders import TO_COMPLETE
from paraphe.render.avenant import avenant_context
from paraphe.render.blocks import annex_heading, legend_lines, signatory_block
from paraphe.render.chapters import body, contents
from paraphe.render.charts import CHART_WIDTH_MM, block_chart
from paraphe.render.ctg import ctg_context
from paraphe.render.parties import opening_context
from paraphe.render.typography import NBSP, fr_date, fr_number, fr_text


@dataclass(frozen=True)
class Row:
    """One row of a fiche's table: a group heading (axe, objectif…) or an action."""

    kind: str  # "group" or "action"
    depth: int
    label: str
    title: str
    details: tuple[str, ...] = ()
    results: tuple[str, ...] = ()
    calendar: str = ""
    actors: tuple[str, ...] = ()
    note: str = ""
    text: tuple[str, ...] = ()
    heading: str = ""  # a group's « Axe 1 : Titre », or its title alone when it has no number


# Turns PNG bytes, a width in millimetres and the image's description (its alternative text, read
# out by screen readers) into what the template prints (a docxtpl InlineImage).
ImageMaker = Callable[[bytes, float, str], Any]


def build_context(
    convention: Convention, image: ImageMaker | None = None, contents_pages: Sequence[str] | None = None
) -> dict[str, Any]:
    """The template's variables; without `image`, charts are left out. `contents_pages`: the page
    number of each line of the Sommaire, once a first conversion has told them."""
    c = convention
    period = str(c.period)
    context = _common(c, period)
    context["identity"] = _identity(c, image)
    if c.kind == "ctg":
        context.update(ctg_context(c))
        return context
    if c.kind == "avenant":
        context.update(avenant_context(c))
        return context
    fiches_in_annex = any(a.generated == "fiches" for a in c.annexes)
    sections = {id(s): i for i, s in enumerate(c.sections)}

    def body_fiche(section: Section) -> dict[str, Any]:
        # The chapter before it prints its part.
        return {k: v for k, v in _fiche(c, section, sections[id(section)]).items() if k != "part"}

    context["body"] = body(c, body_fiche, lambda b: _figure_block(b, image), with_fiches=not fiches_in_annex)
    context["contents"] = contents(c, lambda s: _fiche_heading(s), contents_pages)
    for annex in context["annexes"]:
        annex["fiches"] = [{**body_fiche(s), "in_part": True} for s in c.sections] if annex["is_fiches"] else []
    context["preamble_title"] = fr_text(c.preamble_title)
    return context


# What an electronically signed convention states as its date: the last signature's day (issue 15).
DATED_BY_LAST_SIGNATURE_WORDS = "à la date de la dernière signature électronique"


def signature_when(c: Convention) -> str:
    """« le 9 octobre 2020 », « le [à compléter] », or « à la date de la dernière signature électronique »."""
    if c.dated_by_last_signature:
        return DATED_BY_LAST_SIGNATURE_WORDS
    return f"le {fr_date(c.signature_date)}" if c.signature_date else f"le {TO_COMPLETE}"


def _common(c: Convention, period: str) -> dict[str, Any]:
    return {
        "title": fr_text(c.title),
        "subtitle": fr_text(c.subtitle) if c.subtitle else "",
        "territory": fr_text(c.territory_name),
        "territory_label": fr_text(c.territory_label),
        "period": period,
        "partners": list(dict.fromkeys(fr_text(s.organisation.name) for s in c.signatories)),
        "is_draft": not c.is_final,
        "preamble": [fr_text(p) for p in c.preamble],
        "opening": opening_context(c),
        "fiches": [_fiche(c, s, i) for i, s in enumerate(c.sections)],
        "signature_place": fr_text(c.signature_place),
        "signature_date": fr_date(c.signature_date) if c.signature_date else TO_COMPLETE,
        "signature_when": signature_when(c),
        "signatory_rows": _pairs([signatory_block(s) for s in c.signatories]),
        "annexes": _annexes(c),
        "example": fr_text(f"Territoire d'exemple : {c.territory_example}") if c.territory_example else "",
        "footer": fr_text(
            f"{c.title} – {c.territory_label}" + (" (territoire d'exemple)" if c.territory_example else "")
        ),
    }


def _identity(c: Convention, image: ImageMaker | None = None) -> dict[str, Any] | None:
    if c.identity is None:
        return None
    return {"title": fr_text(c.identity.title), "blocks": [_figure_block(b, image) for b in c.identity.figures]}


def _figure_block(b: FigureBlock, image: ImageMaker | None) -> dict[str, Any]:
    png = block_chart(b) if image is not None else None
    if image is None or png is None:
        chart: Any = ""
    else:
        # What the chart shows, in words: its title and the figures it draws.
        described = f"{NBSP}; ".join(_figure_line(i) for i in b.items)
        chart = image(png, CHART_WIDTH_MM, f"Graphique – {fr_text(b.title)}{NBSP}: {described}")
    return {
        "title": fr_text(b.title) + (f" ({fr_text(b.source)})" if b.source else ""),
        "lines": [_figure_line(i) for i in b.items],
        "note": fr_text(b.note) if b.note else "",
        "chart": chart,
    }


def _figure_line(item: FigureItem) -> str:
    label = fr_text(item.label)
    if item.text is not None:
        return f"{label}{NBSP}: {fr_text(item.text)}"
    if item.value is None:
        return label
    value = fr_number(item.value)
    unit = f"{NBSP}{fr_text(item.unit)}" if item.unit else ""
    return f"{label}{NBSP}: {value}{unit}"


def _fiche(c: Convention, section: Section, index: int) -> dict[str, Any]:
    previous = c.sections[index - 1].part if index else None
    part = c.part(section.part) if section.part and section.part != previous else None
    return {
        "kind": "fiche",
        "heading": _fiche_heading(section),
        "in_part": section.part is not None,
        "part": {
            "title": fr_text(part.title),
            "subtitle": fr_text(part.subtitle) if part.subtitle else "",
            "text": [fr_text(t) for t in part.text],
        }
        if part
        else None,
        "context_sources": fr_text(f"Contexte : {section.context_sources}") if section.context_sources else "",
        "context": [fr_text(t) for t in section.context],
        "orientations_title": fr_text(f"{section.orientations_title} :") if section.orientations_title else "",
        "orientations": [
            {"heading": fr_text(o.heading) if o.heading else "", "points": [fr_text(i) for i in o.items]}
            for o in section.orientations
        ],
        "text": [fr_text(t) for t in section.text],
        "diagnostic": [fr_text(t) for t in section.diagnostic],
        "rows": list(_rows(section)),
        "columns": fr_text(enumeration([lv.plural or plural(lv.name) for lv in c.levels[section.depth + 1 :]])),
        "legend": legend_lines(section),
    }


def contents_headings(convention: Convention) -> list[str]:
    """The headings the Sommaire lists, in its order (none when it prints none): what its numbers are the pages of."""
    printed = contents(convention, _fiche_heading)
    return [] if printed is None else [line["text"] for line in printed["lines"]]


def _fiche_heading(section: Section) -> str:
    """« Axe 1 : Titre », or as the level's prefix writes it (« 1- Titre »), or the title alone."""
    if section.prefix:
        return fr_text(f"{section.prefix} {section.title}")
    if section.number or section.label:
        return fr_text(f"{section.label} : {section.title}")
    return fr_text(section.title)


def _rows(section: Section) -> Any:
    for action in section.actions:
        yield _action_row(action, section.depth + 1)
    for sub in section.sections:
        yield Row(
            "group",
            sub.depth,
            fr_text(sub.label),
            fr_text(sub.title),
            text=tuple(fr_text(t) for t in sub.context + sub.diagnostic + sub.text),
            heading=_fiche_heading(sub),
        )
        yield from _rows(sub)


def _action_row(action: Action, depth: int) -> Row:
    return Row(
        kind="action",
        depth=depth,
        label=fr_text(action.label),
        title=fr_text("".join(f"{m.symbol} " for m in action.markers) + action.title),
        details=tuple(fr_text(d) for d in action.details),
        results=tuple(fr_text(r) for r in action.results),
        calendar=str(action.calendar).replace("-", "–") if action.calendar else "",
        actors=tuple(fr_text(a.label) for a in action.actors),
        note=fr_text(action.note) if action.note else "",
    )


def _pairs(items: list[dict[str, str]]) -> list[list[dict[str, str]]]:
    return [items[i : i + 2] for i in range(0, len(items), 2)]


def glossary_entries(c: Convention) -> list[tuple[str, str]]:
    """Every acronym of the convention with its meaning, in French alphabetical order."""
    entries = {o.key: o.name for o in c.organisations if o.is_acronym}
    entries.update(dict(c.glossary))
    return sorted(entries.items(), key=lambda kv: _collate(kv[0]))


def _collate(text: str) -> str:
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(ch))


def _annexes(c: Convention) -> list[dict[str, Any]]:
    annexes = []
    for number, annex in enumerate(c.annexes, 1):
        entry: dict[str, Any] = {
            "heading": annex_heading(number, annex.title),
            "is_glossary": annex.generated == "glossary",
            "is_fiches": annex.generated == "fiches",
            "glossary": [],
        }
        if entry["is_glossary"]:
            entry["glossary"] = [{"acronym": k, "meaning": fr_text(v)} for k, v in glossary_entries(c)]
        annexes.append(entry)
    return annexes
