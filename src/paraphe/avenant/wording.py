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
            title = _article_title(item.article or item.old_article)
            out.append(Block(f"articles/{item.key.removeprefix('articles/')}", item.key, _article(item), title))
    out += _plan(found, old, new)
    order = [a.key for a in new.articles] + [a.key for a in old.articles]

    def rank(block: Block) -> tuple[int, int]:
        if block.concern.startswith("articles/"):
            return 2, order.index(block.concern.removeprefix("articles/"))
        return _RANKS[block.concern], 0

    return sorted(out, key=rank)


def purpose_items(found: Sequence[Found], old: Convention, new: Convention) -> list[str]:
    """« d'intégrer … », « de prolonger … », « de modifier son plan d'actions »: what the avenant does."""
    items = []
    joining = [f.party.name for f in found if f.kind == "party-added" and f.party]
    leaving = [f.party.name for f in found if f.kind == "party-removed" and f.party]
    if joining:
        items.append(f"d’intégrer {enumeration(joining)} parmi les parties à la convention")
    if leaving:
        items.append(f"de prendre acte du retrait de {enumeration(leaving)}")
    if any(f.kind == "period" for f in found):
        items.append(_period_purpose(old.period, new.period))
    changed = [a for f in found if f.kind.startswith("article-") and (a := f.article or f.old_article)]
    # A few articles are named with their titles, as a reader looks them up; many, by their numbers.
    numbers = [f"{_number(a)} ({a.title})" if len(changed) <= 3 else _number(a) for a in changed]
    if numbers:
        items.append(f"de modifier son article {numbers[0]}" if len(numbers) == 1 else
                     f"de modifier ses articles {enumeration(numbers)}")  # fmt: skip
    actions = [f for f in found if f.kind.startswith("action-")]
    if actions:
        items.append(_plan_purpose(actions, new))
    return items


# --- The convention's articles ---------------------------------------------------------------------


def _number(article: Article) -> str:
    """« 1er » for the first article, however the convention prints it (« Article 1 »): how it is cited."""
    return "1er" if article.number == "1" else article.number


def _article_title(article: Article | None) -> str:
    return f"Modification de l’article {_number(article)}" if article else "Modification des articles"


def _named_article(article: Article) -> str:
    """« L'article 7 – Durée », « L'article 1er – Objet de la convention »."""
    return f"L’article {_number(article)} – {article.title}"


def _article(item: Found) -> tuple[AmendmentParagraph, ...]:
    new, old = item.article, item.old_article
    quoted = tuple(P(("– " if p.style == "item" else "") + p.text, "quoted") for p in item.printed)
    if item.kind == "article-removed" and old is not None:
        return (P(f"{_named_article(old)} est supprimé."),)
    assert new is not None
    if item.kind == "article-added":
        return (P(f"Il est ajouté à la convention un article {new.number} – {new.title}, rédigé comme suit :"), *quoted)
    assert old is not None
    replaced = P(f"{_named_article(old)} est remplacé par les dispositions suivantes :")
    if (new.title, new.number) != (old.title, old.number):
        return (replaced, P(f"Article {new.number} – {new.title}", "quoted"), *quoted)
    return (replaced, *quoted)


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
    # A draft avenant may leave the new end « [à compléter] »: counted as no year, it reads as a change.
    return period.years or 0


def _of(text: str) -> str:
    return f"d’{text}" if elides(text) else f"de {text}"


def _period(old: Period, new: Period) -> tuple[AmendmentParagraph, ...]:
    """Written only when the convention prints no duration article of its own to replace."""
    before, after = _length(old), _length(new)
    years_text = f"elle porte désormais sur les années {new.start} à {new.end_text} incluses"
    if after == before:
        moved = f"La convention porte désormais sur les années {new.start} à {new.end_text} incluses"
        return (P(f"{moved}, au lieu de {old.start} à {old.end_text}."),)
    if new.start == old.start and after > before:
        longer = f"La convention est prolongée {_of(years(after - before))}"
        return (P(f"{longer} : sa durée est portée de {in_words(before)} à {years(after)} et {years_text}."),)
    verb = "portée" if after > before else "ramenée"
    return (P(f"La durée de la convention est {verb} de {in_words(before)} à {years(after)} : {years_text}."),)


def _period_purpose(old: Period, new: Period) -> str:
    before, after = _length(old), _length(new)
    if new.start == old.start and after > before:
        return f"de prolonger sa durée {_of(years(after - before))}, jusqu’au 31 décembre {new.end_text}"
    return f"de modifier sa durée, désormais des années {new.start} à {new.end_text}"


# --- Plan d'actions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Noun:
    """A level's noun (« Action », « Fiche action »), and the words that agree with it."""

    name: str

    @property
    def feminine(self) -> bool:
        return feminine_noun(self.name)

    def the(self, number: str = "") -> str:
        """« l'action 2 », « la fiche action 2 », « le projet 3 »."""
        lowered = self.name.casefold()
        article = "l’" if elides(lowered) else "la " if self.feminine else "le "
        return f"{article}{lowered} {number}".strip()

    def agreed(self, word: str, count: int = 1) -> str:
        """« ajoutée », « ajoutés »: a participle agreeing with the noun."""
        return word + ("e" if self.feminine else "") + ("s" if count > 1 else "")

    def these(self, count: int) -> str:
        """« l'action suivante », « les actions suivantes »."""
        following = self.agreed("suivant", count)
        return f"les {plural(self.name).casefold()} {following}" if count > 1 else f"{self.the()} {following}"

    def counted(self, count: int) -> str:
        """« une action », « deux actions »."""
        if count == 1:
            return f"{'une' if self.feminine else 'un'} {self.name.casefold()}"
        return f"{in_words(count)} {plural(self.name).casefold()}"


def _where(parents: Sequence[Section], c: Convention) -> str:
    """« Au plan d'actions, axe 1, objectif B, »; an unnumbered section by its title."""
    steps = [
        f"{c.levels[depth].name.casefold()} {s.number}" if s.number else f"« {s.title} »"
        for depth, s in enumerate(parents)
    ]
    return "Au plan d’actions, " + "".join(f"{step}, " for step in steps)


def _noun(parents: Sequence[Section], c: Convention) -> _Noun:
    return _Noun(c.levels[min(len(parents), len(c.levels) - 1)].name)


def _quoted(action: Action, noun: _Noun) -> list[AmendmentParagraph]:
    head = f"{noun.name} {action.number} – {action.title}" if action.number else action.title
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
    for kind, side, write in (
        ("action-removed", old, _removed),
        ("action-added", new, _added),
        ("action-changed", new, _changed),
    ):
        for group in _grouped(f for f in found if f.kind == kind).values():
            out += write(group, side)
    return out


def _added(group: list[Found], c: Convention) -> list[Block]:
    where, noun = _where(group[0].parents, c), _noun(group[0].parents, c)
    count = len(group)
    verb = ("sont " if count > 1 else "est ") + noun.agreed("ajouté", count)
    out = []
    for i, item in enumerate(group):
        assert item.action is not None
        opening = [P(f"{where}{verb} {noun.these(count)} :")] if i == 0 else []
        out.append(Block("plan", item.key, (*opening, *_quoted(item.action, noun)), PLAN_TITLE))
    return out


def _removed(group: list[Found], c: Convention) -> list[Block]:
    parents = group[0].parents
    where, noun = _where(parents, c), _noun(parents, c)
    out = []
    for item in group:
        assert item.action is not None
        removed = f"{where}est {noun.agreed('supprimé')} {noun.the(item.action.number)} « {item.action.title} »."
        out.append(Block("plan", item.key, (P(removed),), PLAN_TITLE))
    siblings = parents[-1].actions if parents else ()
    last = max((siblings.index(f.action) for f in group if f.action in siblings), default=-1)
    if 0 <= last < len(siblings) - 1:  # later actions of the same section take the numbers left
        following = f"Les {plural(noun.name).casefold()} {noun.agreed('suivant', 2)}"
        tail = P(f"{following} sont {noun.agreed('renuméroté', 2)} en conséquence.")
        out[-1] = Block("plan", out[-1].key, (*out[-1].paragraphs, tail), PLAN_TITLE)
    return out


def _changed(group: list[Found], c: Convention) -> list[Block]:
    where, noun = _where(group[0].parents, c), _noun(group[0].parents, c)
    out = []
    for item in group:
        assert item.action is not None
        named = f"{noun.the(item.action.number)} « {item.action.title} »"
        opening = P(f"{where}{named} est {noun.agreed('remplacé')} par la rédaction suivante :")
        out.append(Block("plan", item.key, (opening, *_quoted(item.action, noun)), PLAN_TITLE))
    return out


def _plan_purpose(actions: Sequence[Found], c: Convention) -> str:
    noun = _noun(actions[0].parents, c)
    added, removed, changed = (sum(1 for f in actions if f.kind == k) for k in ("action-added", "action-removed",
                                                                                "action-changed"))  # fmt: skip
    parts: list[str] = []

    def some(n: int) -> str:  # « en supprimer une »: the noun was named before
        return ("une" if noun.feminine else "un") if n == 1 else in_words(n)

    if added:
        parts.append(f"d’ajouter {noun.counted(added)} à son plan d’actions")
    if removed:
        parts.append(f"d’en supprimer {some(removed)}" if parts else
                     f"de supprimer {noun.counted(removed)} de son plan d’actions")  # fmt: skip
    if changed:
        parts.append(f"d’en modifier {some(changed)}" if parts else
                     f"de modifier {noun.counted(changed)} de son plan d’actions")  # fmt: skip
    return enumeration(parts)
