"""What an avenant writes: the reviewers' diff between two states, sorted into the changes it amends.

Each change the avenant can write gets a key (what a hand-written article names in `covers`):
`period`, `parties/<organisation>`, `plan/<action>` for an action added, removed or changed.
What concerns the signing rather than the convention (its signatories, place and date, status)
is no amendment; every other change is `other/<pointer>`, which no generated article writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from paraphe.diff import Change, diff_conventions
from paraphe.diff.change import CONVENTION, ORGANISATIONS, PERIOD, SIGNATORIES, SIGNATURE
from paraphe.manifest.model import Action, Convention, Party, Section

Kind = Literal["period", "party-added", "party-removed", "action-added", "action-removed", "action-changed", "other"]

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

    @property
    def pointer(self) -> str:
        return self.changes[0].pointer


def found_changes(old: Convention, new: Convention) -> list[Found]:
    """The changes from `old` to `new` an avenant must write, in the order of the new document."""
    by_key: dict[str, Found] = {}
    new_parties = {p.organisation.key for p in new.parties} - {p.organisation.key for p in old.parties}
    for change in diff_conventions(old, new):
        found = _classify(change, old, new, new_parties)
        if found is None:
            continue
        if found.key in by_key:
            earlier = by_key[found.key]
            by_key[found.key] = Found(earlier.key, earlier.kind, (*earlier.changes, change), earlier.party,
                                      earlier.action, earlier.parents)  # fmt: skip
        else:
            by_key[found.key] = found
    return list(by_key.values())


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
