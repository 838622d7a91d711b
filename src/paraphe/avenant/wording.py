"""The avenant's articles in the French a legal secretariat writes, from the changes found.

Each change becomes a paragraph tagged with its key; paragraphs of one concern make one
article (the parties, the duration, the plan d'actions). A hand-written article that covers
a key takes that paragraph's place. Wording: « La Mutualité sociale agricole du Languedoc,
ci-après « la MSA », devient partie à la convention », « Au plan d'actions, axe 1, objectif B,
sont ajoutées les actions suivantes : », « Est supprimée … », the new wording quoted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from paraphe.avenant.changes import Found
from paraphe.french import capitalised, elides, enumeration, feminine_noun, plural
from paraphe.manifest.model import Action, AmendmentParagraph, Article, Convention, Period, Section
from paraphe.render.ctg import in_words, years
from paraphe.render.parties import running_name

P = AmendmentParagraph
PLAN_TITLE = "Modification du plan d’actions"


@dataclass(frozen=True)
class Block:
    """The paragraphs one change writes, and the avenant's article (by concern) they belong to."""

    concern: str  # "parties", "period", "articles/<key>", "plan": one article of the avenant each
    key: str
    paragraphs: tuple[AmendmentParagraph, ...]
    title: str = ""


_RANKS = {"parties": 0, "period": 1, "plan": 3}


def blocks(found: Sequence[Found], old: Convention, new: Convention) -> list[Block]:
    """One block per change an article can write: parties, period, the convention's articles, the plan."""
    out: list[Block] = []
    by_article = any(f.key == "articles/duration" for f in found)
    for item in found:
        if item.kind in ("party-added", "party-removed"):
            out.append(Block("parties", item.key, (_party(item),), "Parties à la convention"))
        elif item.kind == "period" and by_article:
            # The duration article, replaced, says it: the period's key is written there.
            out.append(Block("articles/duration", item.key, (), _article_title(new.article("duration"))))
        elif item.kind == "period":
            out.append(Block("period", item.key, _period(old.period, new.period), "Durée de la convention"))
        elif item.kind.startswith("article-"):
            out.append(Block(f"articles/{_key(item)}", item.key, _article(item), _article_title(item.article or item.old_article)))
    out += _plan(found, old, new)
    order = [a.key for a in new.articles] + [a.key for a in old.articles]

    def rank(block: Block) -> tuple[int, int]:
        if block.concern.startswith("articles/"):
            return 2, order.index(block.concern.removeprefix("articles/"))
        return _RANKS[block.concern], 0

    return sorted(out, key=rank)


def _key(item: Found) -> str:
    return item.key.removeprefix("articles/")


# --- The convention's articles ---------------------------------------------------------------------


def _number(article: Article) -> str:
    """« 1er » for the first article, however the convention prints it (« Article 1 »): how the law cites it."""
    return "1er" if article.number == "1" else article.number


def _article_title(article: Article | None) -> str:
    return f"Modification de l’article {_number(article)}" if article else "Modification des articles"


def _named_article(article: Article) -> str:
    """« l'article 7 – Durée », « l'article 1er – Objet de la convention »."""
    return f"l’article {_number(article)} – {article.title}"


def _article(item: Found) -> tuple[AmendmentParagraph, ...]:
    new, old = item.article, item.old_article
    quoted = tuple(P(("– " if p.style == "item" else "") + p.text, "quoted") for p in item.printed)
    if item.kind == "article-removed" and old is not None:
        return (P(f"{capitalised(_named_article(old))} est supprimé."),)
    assert new is not None
    if item.kind == "article-added":
        return (P(f"Il est ajouté à la convention un article {new.number} – {new.title}, rédigé comme suit :"), *quoted)
    assert old is not None
    if new.title != old.title or new.number != old.number:
        heading = P(f"Article {new.number} – {new.title}", "quoted")
        return (P(f"{capitalised(_named_article(old))} est remplacé par les dispositions suivantes :"), heading, *quoted)
    return (P(f"{capitalised(_named_article(old))} est remplacé par les dispositions suivantes :"), *quoted)


def _articles_purpose(found: Sequence[Found]) -> str | None:
    numbers = [_number(f.article or f.old_article) for f in found if f.kind.startswith("article-") and (f.article or f.old_article)]  # type: ignore[union-attr]
    if not numbers:
        return None
    if len(numbers) == 1:
        return f"de modifier son article {numbers[0]}"
    return f"de modifier ses articles {enumeration(numbers)}"


def purpose_items(found: Sequence[Found], old: Convention, new: Convention) -> list[str]:
    """« d'intégrer … », « de prolonger … », « de modifier son plan d'actions »: what the avenant does."""
    items = []
    joining = [f.party for f in found if f.kind == "party-added" and f.party]
    leaving = [f.party for f in found if f.kind == "party-removed" and f.party]
    if joining:
        items.append(f"d’intégrer {enumeration([p.name for p in joining])} parmi les parties à la convention")
    if leaving:
        items.append(f"de prendre acte du retrait de {enumeration([p.name for p in leaving])}")
    if any(f.kind == "period" for f in found):
        items.append(_period_purpose(old.period, new.period))
    articles = _articles_purpose(found)
    if articles:
        items.append(articles)
    actions = [f for f in found if f.kind.startswith("action-")]
    if actions:
        items.append(_plan_purpose(actions, new))
    return items


# --- Parties ---------------------------------------------------------------------------------------


def _party(item: Found) -> AmendmentParagraph:
    party = item.party
    assert party is not None

    def agreed(word: str) -> str:
        return word + ("e" if party.feminine else "") + ("s" if party.plural else "")

    parts = [capitalised(party.name)]  # who represents it: the avenant's parties say it, above
    running = running_name(party)
    if party.called and running.casefold() != party.name.casefold():
        parts.append(f"ci-après {agreed('dénommé')} « {running} »")
    subject = ", ".join(parts) + ("," if len(parts) > 1 else "")
    if item.kind == "party-added":
        verb = "deviennent parties" if party.plural else "devient partie"
    else:
        verb = "cessent d’être parties" if party.plural else "cesse d’être partie"
    return P(f"{subject} {verb} à la convention à compter de la prise d’effet du présent avenant.")


# --- Period ----------------------------------------------------------------------------------------


def _length(period: Period) -> int:
    return period.end - period.start + 1


def _of(text: str) -> str:
    return f"d’{text}" if elides(text) else f"de {text}"


def _period(old: Period, new: Period) -> tuple[AmendmentParagraph, ...]:
    before, after = _length(old), _length(new)
    years_text = f"elle porte désormais sur les années {new.start} à {new.end} incluses"
    if after == before:
        return (P(f"La convention porte désormais sur les années {new.start} à {new.end} incluses, au lieu de {old.start} à {old.end}."),)
    if new.start == old.start and after > before:
        return (P(f"La convention est prolongée {_of(years(after - before))} : sa durée est portée de {in_words(before)} à {years(after)} et {years_text}."),)
    verb = "portée" if after > before else "ramenée"
    return (P(f"La durée de la convention est {verb} de {in_words(before)} à {years(after)} : {years_text}."),)


def _period_purpose(old: Period, new: Period) -> str:
    before, after = _length(old), _length(new)
    if new.start == old.start and after > before:
        return f"de prolonger sa durée {_of(years(after - before))}, jusqu’au 31 décembre {new.end}"
    return f"de modifier sa durée, désormais des années {new.start} à {new.end}"


# --- Plan d'actions --------------------------------------------------------------------------------


def _where(parents: Sequence[Section], c: Convention) -> str:
    """« axe 1, objectif B »; an unnumbered section by its title."""
    steps = []
    for depth, section in enumerate(parents):
        if section.number:
            steps.append(f"{c.levels[depth].name.casefold()} {section.number}")
        else:
            steps.append(f"« {section.title} »")
    return ", ".join(steps)


def _level(parents: Sequence[Section], c: Convention) -> str:
    return c.levels[min(len(parents), len(c.levels) - 1)].name


def _the(noun: str, number: str) -> str:
    """« l'action 2 », « la fiche action 2 », « le projet 3 »."""
    lowered = noun.casefold()
    article = "l’" if elides(lowered) else "la " if feminine_noun(noun) else "le "
    return f"{article}{lowered} {number}".strip()


def _agreed(word: str, noun: str, count: int) -> str:
    """« ajoutée », « ajoutés »: the participle agreeing with the level's noun."""
    return word + ("e" if feminine_noun(noun) else "") + ("s" if count > 1 else "")


def _quoted(action: Action, noun: str) -> list[AmendmentParagraph]:
    head = f"{noun} {action.number} – {action.title}" if action.number else action.title
    lines = [P(head, "quoted")]
    lines += [P(f"– {d}", "quoted") for d in action.details]
    if action.results:
        lines.append(P("Résultat attendu : " + " ; ".join(action.results), "quoted"))
    if action.calendar:
        lines.append(P("Calendrier : " + str(action.calendar).replace("-", "–"), "quoted"))
    if action.actors:
        lines.append(P("Acteurs : " + ", ".join(a.label for a in action.actors), "quoted"))
    return lines


def _grouped(items: Iterable[Found]) -> dict[tuple[str, ...], list[Found]]:
    groups: dict[tuple[str, ...], list[Found]] = {}
    for item in items:
        groups.setdefault(tuple(s.id or s.title for s in item.parents), []).append(item)
    return groups


def _plan(found: Sequence[Found], old: Convention, new: Convention) -> list[Block]:
    out: list[Block] = []
    for kind, side in (("action-removed", old), ("action-added", new), ("action-changed", new)):
        for group in _grouped(f for f in found if f.kind == kind).values():
            out += _plan_group(kind, group, side)
    return out


def _plan_group(kind: str, group: list[Found], c: Convention) -> list[Block]:
    parents = group[0].parents
    where = f"Au plan d’actions, {_where(parents, c)}," if parents else "Au plan d’actions,"
    noun = _level(parents, c)
    actions = [f.action for f in group if f.action]
    keys = [f.key for f in group]
    if kind == "action-added":
        many = len(actions) > 1
        verb = "sont " + _agreed("ajouté", noun, 2) if many else "est " + _agreed("ajouté", noun, 1)
        what = f"les {plural(noun).casefold()} {'suivantes' if feminine_noun(noun) else 'suivants'}" if many else f"{_the(noun, '').rstrip()} {'suivante' if feminine_noun(noun) else 'suivant'}"
        first = Block("plan", keys[0], (P(f"{where} {verb} {what} :"), *_quoted(actions[0], noun)), PLAN_TITLE)
        rest = [Block("plan", k, tuple(_quoted(a, noun)), PLAN_TITLE) for k, a in zip(keys[1:], actions[1:], strict=True)]
        return [first, *rest]
    if kind == "action-removed":
        out = []
        for key, action in zip(keys, actions, strict=True):
            verb = "est " + _agreed("supprimé", noun, 1)
            out.append(Block("plan", key, (P(f"{where} {verb} {_the(noun, action.number)} « {action.title} »."),), PLAN_TITLE))
        siblings = parents[-1].actions if parents else ()
        last_removed = max((siblings.index(a) for a in actions if a in siblings), default=-1)
        if 0 <= last_removed < len(siblings) - 1:
            word = "renumérotées" if feminine_noun(noun) else "renumérotés"
            tail = P(f"Les {plural(noun).casefold()} {'suivantes' if feminine_noun(noun) else 'suivants'} sont {word} en conséquence.")
            out[-1] = Block("plan", out[-1].key, (*out[-1].paragraphs, tail), PLAN_TITLE)
        return out
    return [
        Block("plan", key, (P(f"{where} {_the(noun, action.number)} « {action.title} » est {_agreed('remplacé', noun, 1)} par la rédaction suivante :"), *_quoted(action, noun)), PLAN_TITLE)
        for key, action in zip(keys, actions, strict=True)
    ]


def _plan_purpose(actions: Sequence[Found], c: Convention) -> str:
    noun = _level(actions[0].parents, c) if actions[0].parents else "Action"
    added = sum(1 for f in actions if f.kind == "action-added")
    removed = sum(1 for f in actions if f.kind == "action-removed")
    changed = sum(1 for f in actions if f.kind == "action-changed")
    parts = []
    fem = feminine_noun(noun)

    def count(n: int) -> str:
        word = noun.casefold() if n == 1 else plural(noun).casefold()
        return f"{'une' if n == 1 and fem else in_words(n)} {word}"

    def some(n: int) -> str:  # « en supprimer une », « en modifier deux »: the noun was named before
        return "une" if n == 1 and fem else in_words(n)

    if added:
        parts.append(f"d’ajouter {count(added)} à son plan d’actions")
    if removed:
        parts.append(f"d’en supprimer {some(removed)}" if parts else f"de supprimer {count(removed)} de son plan d’actions")
    if changed:
        parts.append(f"d’en modifier {some(changed)}" if parts else f"de modifier {count(changed)} de son plan d’actions")
    return enumeration(parts)
