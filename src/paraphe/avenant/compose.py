"""The avenant as a `Convention` of kind `avenant`: its articles, visas and chain, ready to render.

Generated articles are cut into one block per change (`wording`); an article the secretariat
writes in `articles` replaces the blocks whose keys it covers and takes the place of the
first. What the avenant must say and does not (a change no article writes) is a warning; an
article that covers a key no change has is an error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from paraphe.avenant.chain import Chain
from paraphe.avenant.changes import Found, found_changes
from paraphe.avenant.wording import Block, blocks, purpose_items
from paraphe.diagnostics import Diagnostic
from paraphe.french import enumeration, feminine_noun, with_article
from paraphe.i18n import _
from paraphe.manifest.load import LoadedManifest
from paraphe.manifest.model import (
    DATED_BY_LAST_SIGNATURE,
    AmendedState,
    Amendment,
    AmendmentArticle,
    AmendmentParagraph,
    Convention,
    EarlierAvenant,
)
from paraphe.render.typography import fr_date

P = AmendmentParagraph


def avenant_model(loaded: LoadedManifest, chain: Chain) -> tuple[Convention, list[Diagnostic]]:
    data: dict[str, Any] = loaded.data
    old, new = chain.old.convention, chain.new.convention
    found = found_changes(old, new)
    problems: list[Diagnostic] = []
    if not found:
        where = loaded.source.locate(("amended", "manifest"))
        problems.append(
            Diagnostic(where, _("{name} changes nothing the convention says", name=chain.new.name), "avenant.no-change")
        )
    manual = data.get("articles", [])
    problems += _covers_problems(loaded, manual, found)
    covered = {key for article in manual for key in article.get("covers", ())}
    problems += [_uncovered(f, chain) for f in found if f.kind == "other" and f.key not in covered]
    original = chain.original.convention
    number: int = data["number"]
    named = _named(original)
    articles = (
        AmendmentArticle("Objet de l’avenant", _purpose(data, found, old, new, named, chain)),
        *_articles(blocks(found, old, new), manual),
        AmendmentArticle("Autres dispositions", (P(_unchanged(chain.earlier)),)),
        AmendmentArticle("Prise d’effet", (P(_effective(data)),)),
    )
    amendment = Amendment(
        number=number,
        original=AmendedState(
            original.id,
            original.title,
            original.kind,
            original.territory_label,
            original.period,
            chain.signed_on,
            original.source_digest,
            chain.fingerprint,
        ),  # fmt: skip
        amends=old.source_digest,
        result=new.source_digest,
        earlier=chain.earlier,
        effective=_date(data.get("effective")),
        articles=articles,
        reads=chain.reads,
    )
    signature = data["signature"]
    convention = dataclasses.replace(
        new,
        id=data["id"],
        kind="avenant",
        status=data["status"],
        title=data.get("title") or f"Avenant n°\u00a0{number} à {_titled(original)}",
        subtitle=None,
        preamble=(),
        identity=None,
        glossary=(),
        parts=(),
        annexes=(),
        visas=(*_visas(named, chain), *data.get("visas", ())),
        signature_place=signature["place"],
        signature_date=_date(signature.get("date")),
        dated_by_last_signature=signature.get("date") == DATED_BY_LAST_SIGNATURE,
        source=loaded.path,
        source_digest=loaded.digest,
        warnings=tuple(p for p in problems if p.severity == "warning"),
        id_location=loaded.source.locate(("id",)),
        amendment=amendment,
    )
    return convention, problems


def consolidated_mark(avenants: list[tuple[int, dt.date | None]]) -> str:
    """« Version consolidée intégrant l'avenant n° 1 du 10 décembre 2024 – ne vaut pas original »."""
    dated = [f"n°\u00a0{n} du {fr_date(on)}" if on else f"n°\u00a0{n}" for n, on in avenants]
    which = f"l’avenant {dated[0]}" if len(dated) == 1 else f"les avenants {enumeration(dated)}"
    return f"Version consolidée intégrant {which} – copie de lecture, ne vaut pas original"


def _named(c: Convention) -> str:
    """« la Convention territoriale globale de la Communauté de communes du Gévaudan 2021-2024 »."""
    title = c.title
    if c.territory_label.casefold() not in title.casefold():
        title += " " + _of(c.territory_label)
    return with_article(f"{title} {c.period.start}-{c.period.end}", feminine=feminine_noun(c.title))


def _titled(c: Convention) -> str:
    """« la Convention territoriale globale 2021-2024 »: the title, as the cover prints it over its territory."""
    return with_article(f"{c.title} {c.period.start}-{c.period.end}", feminine=feminine_noun(c.title))


def _of(label: str) -> str:
    from paraphe.french import of_label

    return of_label(label)


def _visas(named: str, chain: Chain) -> list[str]:
    signed = f", signée le {fr_date(chain.signed_on)}" if chain.signed_on else ""
    visas = [f"{named}{signed}"]
    for earlier in chain.earlier:
        on = f", signé le {fr_date(earlier.signed_on)}" if earlier.signed_on else ""
        visas.append(f"l’avenant n°\u00a0{earlier.number} à cette convention{on}")
    return visas


def _purpose(
    data: dict[str, Any], found: Sequence[Found], old: Convention, new: Convention, named: str, chain: Chain
) -> tuple[AmendmentParagraph, ...]:
    if "purpose" in data:
        return tuple(P(t) for t in data["purpose"])
    amended = named + (f", signée le {fr_date(chain.signed_on)}" if chain.signed_on else "")
    if chain.earlier:
        amended += f", telle que modifiée par {_avenants(chain.earlier)}"
    items = purpose_items(found, old, new)
    if not items:
        return (P(f"Le présent avenant a pour objet de modifier {amended}."),)
    if len(items) == 1:
        return (P(f"Le présent avenant a pour objet de modifier {amended}, afin {items[0]}."),)
    lines = [P(f"{i}{' ;' if k < len(items) - 1 else '.'}", "item") for k, i in enumerate(items)]
    return (P(f"Le présent avenant a pour objet de modifier {amended}, afin :"), *lines)


def _avenants(earlier: tuple[EarlierAvenant, ...]) -> str:
    numbers = [f"n°\u00a0{e.number}" for e in earlier]
    return f"l’avenant {numbers[0]}" if len(numbers) == 1 else f"les avenants {enumeration(numbers)}"


def _unchanged(earlier: tuple[EarlierAvenant, ...]) -> str:
    amended = f", telle que modifiée par {_avenants(earlier)}," if earlier else ""
    return (
        f"Les autres dispositions de la convention{amended} non modifiées par le présent avenant demeurent"
        " inchangées et continuent de s’appliquer."
    )


def _effective(data: dict[str, Any]) -> str:
    effective = _date(data.get("effective"))
    if effective is None:
        return "Le présent avenant prend effet à la date de sa signature par l’ensemble des parties."
    return f"Le présent avenant prend effet le {fr_date(effective)}."


def _articles(generated: list[Block], manual: list[dict[str, Any]]) -> list[AmendmentArticle]:
    """Generated blocks grouped by concern; a hand-written article in place of the first block it covers."""
    placed: dict[int, list[dict[str, Any]]] = {}
    loose: list[dict[str, Any]] = []
    for article in manual:
        keys = set(article.get("covers", ()))
        first = next((i for i, b in enumerate(generated) if b.key in keys), None)
        (loose if first is None else placed.setdefault(first, [])).append(article)
    covered = {key for article in manual for key in article.get("covers", ())}
    out: list[AmendmentArticle] = []
    concern = ""
    for i, block in enumerate(generated):
        for article in placed.get(i, ()):
            out.append(_manual(article))
            concern = ""
        if block.key in covered:
            continue
        if block.concern != concern:
            out.append(AmendmentArticle(block.title, (), ()))
            concern = block.concern
        last = out[-1]
        out[-1] = AmendmentArticle(last.title, (*last.paragraphs, *block.paragraphs), (*last.covers, block.key))
    return out + [_manual(a) for a in loose]


def _manual(article: dict[str, Any]) -> AmendmentArticle:
    paragraphs = [P(t) for t in article["text"]] + [P(t, "quoted") for t in article.get("quoted", ())]
    return AmendmentArticle(article["title"], tuple(paragraphs), tuple(article.get("covers", ())))


def _covers_problems(loaded: LoadedManifest, manual: list[dict[str, Any]], found: Sequence[Found]) -> list[Diagnostic]:
    keys = [f.key for f in found]
    problems = []
    for i, article in enumerate(manual):
        for j, key in enumerate(article.get("covers", ())):
            if key not in keys:
                where = loaded.source.locate(("articles", i, "covers", j))
                known = ", ".join(repr(k) for k in keys) or "none"
                message = _(
                    "{key!r} did not change: an article covers only what the avenant changes (changes: {known})",
                    key=key,
                    known=known,
                )
                problems.append(Diagnostic(where, message, "avenant.unchanged"))
    return problems


def _uncovered(item: Found, chain: Chain) -> Diagnostic:
    change = item.changes[0]
    removed = change.op == "removed"
    state = chain.old if removed else chain.new
    steps = tuple(int(s) if s.isdigit() else s for s in change.pointer.strip("/").split("/") if s)
    where = state.source.locate(steps)
    message = _(
        "{path} ({op}): no article of the avenant writes this change; write one in the "
        "avenant's 'articles' with covers: [{key!r}]",
        path=change.path,
        op=change.op,
        key=item.key,
    )
    return Diagnostic(where, message, "avenant.uncovered")


def _date(text: object) -> dt.date | None:
    """A day of the calendar; None when absent or the last signature's date (no day the manifest knows)."""
    if not isinstance(text, str) or text == DATED_BY_LAST_SIGNATURE:
        return None
    return dt.date.fromisoformat(text)
