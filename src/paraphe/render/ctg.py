"""The CTG's own template context: parties, visas, articles' figures, the plan d'actions.

The articles' wording lives in templates/ctg.docx; this module gives it only
what changes from one convention to the next, already typeset: the parties'
paragraphs come from `parties` (shared with an SDSF that opens like a convention),
durations and counts in words, the plan d'actions flattened for the template.
"""

from __future__ import annotations

from typing import Any

from paraphe.french import capitalised, elides, enumeration, of_label, plural
from paraphe.manifest.model import Action, Article, Convention, Party, Section, Signatory
from paraphe.placeholders import TO_COMPLETE
from paraphe.render.blocks import legend_lines, numbered_title, signatory_block
from paraphe.render.parties import authorised, running_name
from paraphe.render.typography import fr_date, fr_text

_WORDS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze")


def in_words(n: int) -> str:
    """« quatre », « douze »; figures beyond twelve."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n)


def years(n: int) -> str:
    """« un an », « cinq ans »."""
    return "un an" if n == 1 else f"{in_words(n)} ans"


def ctg_context(c: Convention) -> dict[str, Any]:
    parties = list(c.parties)
    short = [_short(p) for p in parties]
    return {
        "territory_of": fr_text(of_label(c.territory_label)),
        "parties_list": fr_text(enumeration(short)),
        "duration_text": years(c.duration) if c.duration else TO_COMPLETE,
        "period_start": str(c.period.start),
        "period_end": c.period.end_text,
        "copies": in_words(sum(len(p.members) or 1 for p in parties)),
        "court": fr_text(f"le tribunal administratif de {c.court}")
        if c.court
        else "le tribunal administratif territorialement compétent",
        "fields": [numbered_title(s.label, s.number, s.title) for s in c.sections],
        "diagnostic": [fr_text(t) for t in c.diagnostic],
        "has_syntheses": any(s.diagnostic for s in c.sections),
        "steering": [fr_text(t) for t in c.steering],
        "commitments": [
            {
                "who": fr_text(f"{capitalised(_short(p))} {'s’engagent' if p.plural else 's’engage'} à :"),
                "points": [fr_text(t) for t in p.commitments],
            }
            for p in parties
            if p.commitments
        ],
        "plan": _plan(c),
        "articles": [_article(a) for a in c.articles],
        "plan_article": _reference(c, "commitments"),
        "signature_blocks": signature_blocks(c),
    }


def _article(article: Article) -> dict[str, Any]:
    return {
        "key": article.key,
        "heading": fr_text(article.heading),
        "wording": article.template_wording,
        "paragraphs": [
            {"text": fr_text(p.text) if p.text else "", "points": [fr_text(i) for i in p.items]}
            for p in article.paragraphs
        ],
    }


def _reference(c: Convention, key: str) -> str:
    """« (article 4) » after a mention of what that article holds; nothing when the convention omits it."""
    article = c.article(key)
    return " " + fr_text(f"(article {article.number})") if article else ""


def _short(party: Party) -> str:
    return running_name(party)


def _authorised(people: tuple[Signatory, ...]) -> str:
    """« dûment autorisé », « autorisée », « autorisés », « autorisées », or « autorisé(e) » when not known."""
    return authorised(people)


def _plan(c: Convention) -> dict[str, Any]:
    plan = c.plan
    title = plan.title if plan else "Plan d'actions"
    if plan and plan.date:
        title += f" du {fr_date(plan.date)}"
    elif plan and plan.pending:
        title += f" du {plan.pending}"
    top = c.levels[0].name
    numbered = sum(1 for s in c.sections if s.number)
    count = f"{numbered} {(top if numbered == 1 else plural(top)).casefold()}"
    structure = f"Un projet social structuré en {count}" if numbered else "Le projet social"
    return {
        "title": fr_text(title),
        "stakes": [
            {"title": fr_text(s.title), "means": [fr_text(m) for m in s.means]} for s in (plan.stakes if plan else ())
        ],
        "transversal": [fr_text(t) for t in (plan.transversal if plan else ())],
        # « Un projet social structuré en 4 axes »; never « en 0 axes » when no section is numbered.
        "structure": fr_text(plan.structure if plan and plan.structure else structure),
        "overview": [
            {
                "title": numbered_title(s.label, s.number, s.title),
                "objectives": [numbered_title(sub.label, sub.number, sub.title) for sub in s.sections],
            }
            for s in c.sections
        ],
        "axes": [_axis(s) for s in c.sections],
    }


def _axis(section: Section) -> dict[str, Any]:
    return {
        "heading": numbered_title(section.label, section.number, section.title),
        "synthesis": fr_text(f"{_definite(section.label)} : synthèse du diagnostic")
        if section.label
        else "Synthèse du diagnostic",
        "diagnostic": [fr_text(t) for t in section.diagnostic],
        "text": [fr_text(t) for t in section.context + section.text],
        "blocks": list(_blocks_of(section)),
        "legend": legend_lines(section),
    }


def _definite(label: str) -> str:
    """« L'axe 1 » before a vowel, as the CTG's plan writes it; the label as is otherwise."""
    if elides(label):
        return f"L'{label[:1].lower()}{label[1:]}"
    return label


def _blocks_of(section: Section) -> Any:
    """The subtree below an axis, in reading order: sub-sections (with their depth) and actions."""
    for action in section.actions:
        yield _action(action)
    for sub in section.sections:
        yield {
            "kind": "section",
            "depth": sub.depth,
            "title": numbered_title(sub.label, sub.number, sub.title),
            "text": [fr_text(t) for t in sub.context + sub.diagnostic + sub.text],
        }
        yield from _blocks_of(sub)


def _action(action: Action) -> dict[str, Any]:
    symbols = "".join(f"{m.symbol} " for m in action.markers)
    facts = []
    if action.results:
        facts.append(fr_text("Résultat attendu : " + " ; ".join(action.results)))
    if action.calendar:
        facts.append(fr_text("Calendrier : " + str(action.calendar).replace("-", "–")))
    if action.actors:
        facts.append(fr_text("Acteurs : " + ", ".join(a.label for a in action.actors)))
    return {
        "kind": "action",
        "depth": 0,
        "title": numbered_title(action.label, action.number, symbols + action.title)
        if not action.label
        else fr_text(symbols) + "\u00a0" + numbered_title(action.label, action.number, action.title)
        if symbols
        else numbered_title(action.label, action.number, action.title),
        "details": [fr_text(d) for d in action.details],
        "facts": facts,
        "note": fr_text(action.note) if action.note else "",
    }


def signature_blocks(c: Convention) -> list[list[dict[str, str]]]:
    """Signature blocks two by two, each headed by the party it signs for."""
    party_of = {s.id: p for p in c.parties for s in p.representatives}
    blocks = []
    for s in c.signatories:
        block = signatory_block(s)
        party = party_of.get(s.id)
        if party is None or party.plural:
            block["party"] = fr_text(s.organisation.label)
        else:
            block["party"] = fr_text(f"Pour {_short(party)}")
        blocks.append(block)
    return [blocks[i : i + 2] for i in range(0, len(blocks), 2)]
