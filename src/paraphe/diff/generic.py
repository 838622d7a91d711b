"""The comparison every part of a convention shares: values, lists of paragraphs, records.

`Comparer` holds the changes found so far. The parts of a convention a reviewer knows
(the plan, the signatories, the annexes) are compared field by field by name; every other
field of the model, such as those a newer kind of convention adds, goes through `extra`,
which walks records and lists of records generically, so a new field is never missed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from difflib import SequenceMatcher

from paraphe.diff.change import PERIOD, SEPARATOR, Change, Op, pointer
from paraphe.diff.matching import match, order_change, paired
from paraphe.diff.values import (
    as_text,
    describe,
    human,
    is_record,
    is_reference,
    record_key,
    record_name,
    record_step,
    record_title,
)
from paraphe.diff.words import Segment, is_long, word_diff

Where = tuple[str, ...]

# Model field → manifest field, where they differ (for pointers).
MANIFEST_NAMES = {
    "Convention.territory_example": "territory.example",
    "Party.organisation": "org",
    "Party.feminine": "gender",
    "Party.representatives": "signatories",
    "Party.members": "org",
    "Deliberation.pending": "date",
}
# The theme of a convention field compared generically.
EXTRA_THEMES = {
    "duration": PERIOD,
    "parties": "Parties à la convention",
    "opening": "Ouverture",
    "visas": "Visas",
    "diagnostic": "Diagnostic",
    "steering": "Pilotage",
    "court": "Juridiction",
    "plan": "Plan d’actions",
    "markers": "Repères",
}


class Comparer:
    def __init__(self) -> None:
        self.changes: list[Change] = []
        # The title of the section or action being compared: each change of it names it for people.
        self.subject: str | None = None

    def emit(
        self,
        op: Op,
        where: Where,
        ptr: str,
        field: str,
        old: str | None,
        new: str | None,
        *,
        item: int | None = None,
        old_pointer: str | None = None,
        theme: str | None = None,
        title: str | None = None,
    ) -> None:
        words: tuple[Segment, ...] = ()
        if op in ("changed", "renamed") and old is not None and new is not None and is_long(old, new):
            words = word_diff(old, new)
        self.changes.append(
            Change(
                op, SEPARATOR.join(where), ptr, field, old, new, theme or where[0], item, old_pointer, words,
                title if title is not None else self.subject,
            )
        )  # fmt: skip

    def value(self, where: Where, ptr: str, field: str, old: object, new: object, *, op: Op = "changed") -> None:
        if old != new:
            self.emit(op, where, ptr, field, as_text(old), as_text(new))

    def texts(
        self,
        where: Where,
        ptr: str,
        field: str,
        old: Sequence[str],
        new: Sequence[str],
        theme: str | None = None,
    ) -> None:
        """A list of paragraphs: each one added, removed or changed; or the list reordered."""
        if tuple(old) == tuple(new):
            return
        if sorted(old) == sorted(new):
            remaining = list(range(len(old)))
            order = []
            for text in new:
                i = next(i for i in remaining if old[i] == text)
                remaining.remove(i)
                order.append(i + 1)
            before = ", ".join(str(i) for i in range(1, len(old) + 1))
            self.emit("reordered", where, ptr, field, before, ", ".join(map(str, order)), theme=theme)
            return
        opcodes = SequenceMatcher(None, list(old), list(new), autojunk=False).get_opcodes()
        for tag, i1, i2, j1, j2 in opcodes:
            if tag == "equal":
                continue
            common = min(i2 - i1, j2 - j1)
            for k in range(common):
                self.emit(
                    "changed",
                    where,
                    ptr + pointer(j1 + k),
                    field,
                    old[i1 + k],
                    new[j1 + k],
                    item=j1 + k + 1,
                    theme=theme,
                )
            for i in range(i1 + common, i2):
                self.emit("removed", where, ptr + pointer(i), field, old[i], None, item=i + 1, theme=theme)
            for j in range(j1 + common, j2):
                self.emit("added", where, ptr + pointer(j), field, None, new[j], item=j + 1, theme=theme)

    def reorder(self, where: Where, ptr: str, field: str, pairs: dict[int, int], names: Sequence[str]) -> None:
        order = order_change(pairs, names)
        if order:
            self.emit("reordered", where, ptr, field, *order)

    def extra(
        self,
        where: Where,
        ptr: str,
        old: object,
        new: object,
        handled: frozenset[str],
        theme: str | None = None,
        *,
        top: bool = False,
    ) -> None:
        """Fields of the model not compared one by one: those a newer kind of convention adds.

        Records are compared field by field, lists of records element by element (paired by
        id, key, organisation or title); a record with an id or a key met inside another one is
        a reference, shown by that id or key. At the top (`top`), each field is its own theme.
        """
        for f in fields(old):  # type: ignore[arg-type]
            if f.name in handled or not hasattr(new, f.name):
                continue
            a, b = getattr(old, f.name), getattr(new, f.name)
            if a == b:
                continue
            name = MANIFEST_NAMES.get(f"{type(old).__name__}.{f.name}", f.name)
            here = (EXTRA_THEMES.get(f.name, where[0]),) if top else where
            self.generic(here, ptr + pointer(*name.split(".")), name, a, b, None if top else theme, top=top)

    def generic(
        self, where: Where, ptr: str, field: str, a: object, b: object, theme: str | None, *, top: bool
    ) -> None:
        if is_record(a) and is_record(b) and type(a) is type(b) and (top or not is_reference(a)):
            self.extra(where, ptr, a, b, frozenset(), theme)
            return
        if isinstance(a, tuple) and isinstance(b, tuple):
            records = [x for x in a + b if is_record(x)]
            if records and all(is_record(x) for x in a + b) and (top or not any(map(is_reference, records))):
                self.records(where, ptr, field, a, b, theme)
            else:
                self.texts(where, ptr, field, [human(x) or "" for x in a], [human(x) or "" for x in b], theme=theme)
            return
        self.emit("changed", where, ptr, field, human(a), human(b), theme=theme)

    def records(
        self, where: Where, ptr: str, field: str, old: tuple[object, ...], new: tuple[object, ...], theme: str | None
    ) -> None:
        """A list of records (parties, stakes, markers): each one added, removed or compared."""
        pairs = match(old, new, [record_key], title=record_title)
        for j, b in enumerate(new):
            step = ptr + pointer(record_step(b, j))
            here = where + ((record_name(b),) if record_name(b) else ())
            i = paired(pairs, j)
            if i is None:
                self.emit("added", here, step, field, None, describe(b), theme=theme)
            else:
                self.extra(here, step, old[i], b, frozenset(), theme)
        for i, a in enumerate(old):
            if i not in pairs:
                here = where + ((record_name(a),) if record_name(a) else ())
                self.emit("removed", here, ptr + pointer(record_step(a, i)), field, describe(a), None, theme=theme)
        self.reorder(where, ptr, field, pairs, [record_name(x) or str(k + 1) for k, x in enumerate(old)])
