"""What an avenant writes: the reviewers' diff between two states, sorted into the changes it amends.

Each change the avenant can write gets a key (what a hand-written article names in `covers`):
`period`, `parties/<organisation>`, `plan/<action>` for an action added, removed or changed.
What concerns the signing rather than the convention (its signatories, place and date, status)
is no amendment; every other change is `other/<pointer>`, which no generated article writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from paraphe.avenant.printed import Printed, printed_articles
from paraphe.diff import Change, diff_conventions
from paraphe.diff.change import CONVENTION, ORGANISATIONS, PERIOD, SIGNATORIES, SIGNATURE
from paraphe.manifest.model import Action, AmendmentParagraph, Article, Convention, Party, Section

Kind = Literal[
    "period", "party-added", "party-removed", "action-added", "action-removed", "action-changed",
    "article-replaced", "article-added", "article-removed", "other",
]  # fmt: skip

# Fields of the convention that change with each signing, not its content.
_SIGNING_FIELDS = frozenset({"status", "signatories", "signature"})


@dataclass(frozen=True)
class Found:
    key: str
    kind: Kind
    changes: tuple[Change, ...]
    party: Party | None = None
    action: Action | None = None
    parents: tuple[Section, ...] = ()  # the action's sections, from the top
    article: Article | None = None  # the new article (the old one for a removal)
    old_article: Article | None = None
    printed: tuple[AmendmentParagraph, ...] = ()  # the article's new text, as the template prints it

    @property
    def pointer(self) -> str:
        return self.changes[0].pointer if self.changes else ""


def found_changes(old: Convention, new: Convention) -> list[Found]:
    """The changes from `old` to `new` an avenant must write, in the order of the new document."""
    by_key: dict[str, Found] = {}
    new_parties = {p.organisation.key for p in new.parties} - {p.organisation.key for p in old.parties}
    old_printed, new_printed = printed_articles(old), printed_articles(new)
    compared = bool(old_printed and new_printed)
    for change in diff_conventions(old, new):
        if compared and change.pointer.strip("/").split("/")[0] in _ARTICLE_FIELDS:
            continue  # the printed articles say it, below
        found = _classify(change, old, new, new_parties)
        if found is None:
            continue
        if found.key in by_key:
            earlier = by_key[found.key]
            by_key[found.key] = Found(earlier.key, earlier.kind, (*earlier.changes, change), earlier.party,
                                      earlier.action, earlier.parents)  # fmt: skip
        else:
            by_key[found.key] = found
    if compared:
        articles = _article_changes(old, new, old_printed, new_printed)
        replaced = {f.key for f in articles}
        by_key = {k: f for k, f in by_key.items() if f.kind != "other" or _printed_in(f) not in replaced}
        by_key.update((f.key, f) for f in articles)
    return list(by_key.values())


# Fields a CTG prints only inside one of its articles: their change is that article's, replaced whole.
_PRINTED_IN = {"court": "disputes", "steering": "steering", "diagnostic": "diagnostic", "identity": "diagnostic"}


def _printed_in(found: Found) -> str:
    steps = found.pointer.strip("/").split("/")
    if steps[0] == "parties" and "commitments" in steps:
        return "articles/commitments"
    return f"articles/{_PRINTED_IN.get(steps[0], '')}"


_ARTICLE_FIELDS = frozenset({"articles", "article_numbering", "article_heading"})


def _article_changes(old: Convention, new: Convention, before: Printed, after: Printed) -> list[Found]:
    """An article replaced when its printed text or title changed; added, removed; by the new order."""
    found = []
    for article in new.articles:
        earlier = old.article(article.key)
        if earlier is None:
            found.append(
                Found(f"articles/{article.key}", "article-added", (), article=article, printed=after[article.key])
            )
        elif after[article.key] != before[article.key] or article.title != earlier.title:
            found.append(Found(f"articles/{article.key}", "article-replaced", (), article=article, old_article=earlier,
                               printed=after[article.key]))  # fmt: skip
    for article in old.articles:
        if new.article(article.key) is None:
            found.append(Found(f"articles/{article.key}", "article-removed", (), old_article=article))
    return found


def _classify(change: Change, old: Convention, new: Convention, new_parties: set[str]) -> Found | None:
    steps = change.pointer.strip("/").split("/")
    if change.theme in (SIGNATORIES, SIGNATURE) or (change.theme == CONVENTION and change.field in _SIGNING_FIELDS):
        return None
    if change.theme == PERIOD or steps[0] == "duration":
        return Found("period", "period", (change,))
    if change.theme == ORGANISATIONS and change.op == "added" and steps[-1] in new_parties:
        return None  # declared for the party that joins: its article says it
    if steps[0] == "parties" and change.op in ("added", "removed") and len(steps) == 2:
        side = new if change.op == "added" else old
        party = side.parties[int(steps[1])]
        return Found(f"parties/{party.organisation.key}", f"party-{change.op}", (change,), party=party)  # type: ignore[arg-type]
    if steps[0] == "sections" and "actions" in steps:
        return _action_change(change, steps, old, new)
    return Found(f"other{change.pointer}", "other", (change,))


def _action_change(change: Change, steps: list[str], old: Convention, new: Convention) -> Found:
    at = steps.index("actions") + 2
    if len(steps) < at:  # the order of a list of actions: no article writes it
        return Found(f"other{change.pointer}", "other", (change,))
    whole = len(steps) == at and change.op in ("added", "removed")
    side = old if change.op == "removed" and whole else new
    parents, action = _walk(side, steps[:at])
    kind: Kind = f"action-{change.op}" if whole else "action-changed"  # type: ignore[assignment]
    return Found(f"plan/{action.id}", kind, (change,), action=action, parents=parents)


def _walk(convention: Convention, steps: list[str]) -> tuple[tuple[Section, ...], Action]:
    """The sections and the action a pointer `sections/i/sections/j/actions/k` leads to."""
    sections: tuple[Section, ...] = convention.sections
    parents: list[Section] = []
    for name, index in zip(steps[::2], steps[1::2], strict=True):
        if name == "sections":
            parents.append(sections[int(index)])
            sections = parents[-1].sections
        else:
            return tuple(parents), parents[-1].actions[int(index)]
    raise ValueError(f"no action at /{'/'.join(steps)}")
