"""Blocks every template's context shares: numbered titles, marker legends, signature blocks, annex headings."""

from __future__ import annotations

from paraphe.manifest.model import Marker, Section, Signatory
from paraphe.render.typography import fr_text


def legend_lines(section: Section) -> list[str]:
    """« ● Pouvant être porté par un agrément AVS » for every marker the section shows or its actions carry."""
    found: dict[str, Marker] = {}

    def visit(s: Section) -> None:
        found.update({m.key: m for m in s.legend})
        for action in s.actions:
            found.update({m.key: m for m in action.markers})
        for sub in s.sections:
            visit(sub)

    visit(section)
    return [fr_text(f"{m.symbol} {m.label}") for m in found.values()]


def numbered_title(label: str, number: str, title: str) -> str:
    """« Axe 1 : Titre », « A – Titre » (a bare letter or numeral), or the title alone."""
    if not label:
        return fr_text(title)
    if label == number:
        return fr_text(f"{number} – {title}")
    return fr_text(f"{label} : {title}")


def signatory_block(s: Signatory) -> dict[str, str]:
    return {
        "id": s.id,
        "title": fr_text(s.title),
        "name": fr_text(s.name),
        "organisation": fr_text(s.organisation.name),
        "delegation": fr_text(s.delegation) if s.delegation else "",
    }


def annex_heading(number: int, title: str) -> str:
    """The annex's heading, shared by the template and the assembler that finds it."""
    return fr_text(f"Annexe {number} – {title}")
