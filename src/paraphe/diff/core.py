"""Compare two conventions on their model: what a reviewer must see changed.

Elements are paired by their stable id first; when an id is missing or was changed,
by a similarity of title (`TITLE_SIMILARITY`). A pair that sits under another parent
is *moved*, one whose title changed is *renamed*, a list whose common elements
changed order is *reordered*; any other field that differs is *changed*. Elements
left unpaired are *added* or *removed*. Annex files are compared by content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, fields, is_dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Literal, TypeVar

from paraphe.diff.words import TITLE_SIMILARITY, Segment, is_long, similarity, word_diff
from paraphe.manifest.model import (
    Action,
    Annex,
    Convention,
    FigureBlock,
    FigureItem,
    Organisation,
    Orientation,
    Part,
    Section,
    Signatory,
)

Op = Literal["added", "removed", "changed", "moved", "renamed", "reordered"]
OPS: tuple[Op, ...] = ("added", "removed", "changed", "moved", "renamed", "reordered")

SEPARATOR = " › "

# Themes (the first step of every path) that are not sections of the plan.
CONVENTION = "Convention"
PERIOD = "Période"
ORGANISATIONS = "Organismes"
GLOSSARY = "Glossaire"
PREAMBLE = "Préambule"
IDENTITY = "Fiche d’identité"
LEVELS = "Niveaux du plan"
PARTS = "Parties"
SIGNATORIES = "Signataires"
SIGNATURE = "Signature"
PLAN = "Plan"
ANNEXES = "Annexes"

FileDigest = Callable[[Path], str | None]
T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    """One difference between two versions of a convention.

    `path` is for people (« Petite enfance › Axe 1 › Action 6 »), `pointer` for tools
    (a JSON pointer into the new manifest, into the old one for a removal), `field`
    the manifest field concerned ("" for a whole element), `item` the 1-based
    position inside a list field (a paragraph, an expected result).
    """

    op: Op
    path: str
    pointer: str
    field: str
    old: str | None
    new: str | None
    theme: str
    item: int | None = None
    old_pointer: str | None = None
    words: tuple[Segment, ...] = ()

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "op": self.op,
            "path": self.path,
            "pointer": self.pointer,
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "theme": self.theme,
        }
        if self.item is not None:
            out["item"] = self.item
        if self.old_pointer is not None:
            out["old_pointer"] = self.old_pointer
        if self.words:
            out["words"] = [s.as_json() for s in self.words]
        return out


def file_digest(path: Path) -> str | None:
    """SHA-256 of a file's content, None when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def pointer(*parts: str | int) -> str:
    """A JSON pointer (RFC 6901) from its steps."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def diff_conventions(
    old: Convention,
    new: Convention,
    *,
    old_digest: FileDigest = file_digest,
    new_digest: FileDigest = file_digest,
) -> list[Change]:
    """Every change from `old` to `new`, grouped by theme in the order of the new document."""
    return _Differ(old, new, old_digest, new_digest).run()


def match(
    old: Sequence[T],
    new: Sequence[T],
    keys: Sequence[Callable[[T], Hashable | None]],
    title: Callable[[T], str] | None = None,
    prefer: Callable[[T, T], bool] | None = None,
) -> dict[int, int]:
    """Pair old and new elements (old index → new index).

    Each key function is tried in turn on what is still unpaired (None: no key);
    then, if `title` is given, titles at least `TITLE_SIMILARITY` alike, best first.
    `prefer` breaks ties (e.g. the same parent).
    """
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for key in keys:
        index: dict[Hashable, list[int]] = {}
        for j, item in enumerate(new):
            k = key(item)
            if j not in taken and k is not None:
                index.setdefault(k, []).append(j)
        for i, item in enumerate(old):
            k = key(item)
            if i in pairs or k is None or not index.get(k):
                continue
            candidates = index[k]
            chosen = next((j for j in candidates if prefer and prefer(item, new[j])), candidates[0])
            candidates.remove(chosen)
            pairs[i] = chosen
            taken.add(chosen)
    if title is not None:
        scored: list[tuple[bool, float, int, int, int]] = []
        for i, a in enumerate(old):
            if i in pairs:
                continue
            for j, b in enumerate(new):
                if j in taken:
                    continue
                ratio = similarity(title(a), title(b))
                if ratio >= TITLE_SIMILARITY:
                    scored.append((bool(prefer and prefer(a, b)), ratio, -abs(i - j), i, j))
        for _, _, _, i, j in sorted(scored, reverse=True):
            if i not in pairs and j not in taken:
                pairs[i] = j
                taken.add(j)
    return pairs


def order_change(pairs: dict[int, int], names: Sequence[str]) -> tuple[str, str] | None:
    """Old and new order of the paired elements, named by `names` (old side), if it changed."""
    before = sorted(pairs)
    after = sorted(pairs, key=lambda i: pairs[i])
    if before == after:
        return None
    return ", ".join(names[i] for i in before), ", ".join(names[i] for i in after)


@dataclass(frozen=True)
class _Node:
    """A section or an action, where it sits in its tree."""

    element: Section | Action
    where: tuple[str, ...]
    pointer: str
    parent: int | None  # index of the parent section in the flat list; None: the root
    depth: int

    @property
    def ident(self) -> str:
        return self.element.id or self.element.title


def _step(element: Section | Action) -> str:
    return element.label if element.number else element.title


def _flatten(convention: Convention) -> tuple[list[_Node], list[_Node]]:
    sections: list[_Node] = []
    actions: list[_Node] = []

    def walk(section: Section, where: tuple[str, ...], ptr: str, parent: int | None, depth: int) -> None:
        here = where + (_step(section),)
        sections.append(_Node(section, here, ptr, parent, depth))
        me = len(sections) - 1
        for i, child in enumerate(section.sections):
            walk(child, here, ptr + pointer("sections", i), me, depth + 1)
        for i, action in enumerate(section.actions):
            actions.append(_Node(action, here + (_step(action),), ptr + pointer("actions", i), me, depth + 1))

    for i, section in enumerate(convention.sections):
        walk(section, (), pointer("sections", i), None, 0)
    return sections, actions


class _Differ:
    def __init__(self, old: Convention, new: Convention, old_digest: FileDigest, new_digest: FileDigest) -> None:
        self.old, self.new = old, new
        self.old_digest, self.new_digest = old_digest, new_digest
        self.changes: list[Change] = []

    # ------------------------------------------------------------------ helpers

    def emit(
        self,
        op: Op,
        where: tuple[str, ...],
        ptr: str,
        field: str,
        old: str | None,
        new: str | None,
        *,
        item: int | None = None,
        old_pointer: str | None = None,
        theme: str | None = None,
    ) -> None:
        words: tuple[Segment, ...] = ()
        if op in ("changed", "renamed") and old is not None and new is not None and is_long(old, new):
            words = word_diff(old, new)
        self.changes.append(
            Change(op, SEPARATOR.join(where), ptr, field, old, new, theme or where[0], item, old_pointer, words)
        )

    def value(
        self, where: tuple[str, ...], ptr: str, field: str, old: object, new: object, *, op: Op = "changed"
    ) -> None:
        if old != new:
            self.emit(op, where, ptr, field, _text(old), _text(new))

    def texts(
        self,
        where: tuple[str, ...],
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
            paired = min(i2 - i1, j2 - j1)
            for k in range(paired):
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
            for i in range(i1 + paired, i2):
                self.emit("removed", where, ptr + pointer(i), field, old[i], None, item=i + 1, theme=theme)
            for j in range(j1 + paired, j2):
                self.emit("added", where, ptr + pointer(j), field, None, new[j], item=j + 1, theme=theme)

    def extra(
        self,
        where: tuple[str, ...],
        ptr: str,
        old: object,
        new: object,
        handled: frozenset[str],
        theme: str | None = None,
        *,
        top: bool = False,
    ) -> None:
        """Fields of the model not compared one by one above: those a newer kind of convention adds.

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
            name = _MANIFEST_NAMES.get(f"{type(old).__name__}.{f.name}", f.name)
            here = (_EXTRA_THEMES.get(f.name, where[0]),) if top else where
            self.generic(here, ptr + pointer(*name.split(".")), name, a, b, None if top else theme, top=top)

    def generic(
        self, where: tuple[str, ...], ptr: str, field: str, a: object, b: object, theme: str | None, *, top: bool
    ) -> None:
        if _is_record(a) and _is_record(b) and type(a) is type(b) and (top or not _is_reference(a)):
            self.extra(where, ptr, a, b, frozenset(), theme)
            return
        if isinstance(a, tuple) and isinstance(b, tuple):
            records = [x for x in a + b if _is_record(x)]
            if records and all(_is_record(x) for x in a + b) and (top or not any(map(_is_reference, records))):
                self.records(where, ptr, field, a, b, theme)
            else:
                self.texts(where, ptr, field, [_human(x) or "" for x in a], [_human(x) or "" for x in b], theme=theme)
            return
        self.emit("changed", where, ptr, field, _human(a), _human(b), theme=theme)

    def records(
        self, where: tuple[str, ...], ptr: str, field: str, old: tuple[object, ...], new: tuple[object, ...],
        theme: str | None,
    ) -> None:  # fmt: skip
        """A list of records (parties, stakes, markers): each one added, removed or compared."""
        pairs = match(old, new, [_record_key], title=_record_title)
        for j, b in enumerate(new):
            step = ptr + pointer(_record_step(b, j))
            here = where + ((_record_name(b),) if _record_name(b) else ())
            i = _paired(pairs, j)
            if i is None:
                self.emit("added", here, step, field, None, _describe(b), theme=theme)
            else:
                self.extra(here, step, old[i], b, frozenset(), theme)
        for i, a in enumerate(old):
            if i not in pairs:
                here = where + ((_record_name(a),) if _record_name(a) else ())
                self.emit("removed", here, ptr + pointer(_record_step(a, i)), field, _describe(a), None, theme=theme)
        self.reorder(where, ptr, field, pairs, [_record_name(x) or str(k + 1) for k, x in enumerate(old)])

    def reorder(
        self, where: tuple[str, ...], ptr: str, field: str, pairs: dict[int, int], names: Sequence[str]
    ) -> None:
        order = order_change(pairs, names)
        if order:
            self.emit("reordered", where, ptr, field, *order)

    # ------------------------------------------------------------------ parts of a convention

    def run(self) -> list[Change]:
        self.metadata()
        self.organisations()
        self.glossary()
        self.texts((PREAMBLE,), "/preamble", "preamble", self.old.preamble, self.new.preamble)
        self.identity()
        self.levels()
        self.parts()
        self.plan()
        self.signatories()
        self.signature()
        self.annexes()
        return self.changes

    def metadata(self) -> None:
        o, n = self.old, self.new
        here = (CONVENTION,)
        for field, a, b in (
            ("id", o.id, n.id),
            ("kind", o.kind, n.kind),
            ("status", o.status, n.status),
            ("title", o.title, n.title),
            ("subtitle", o.subtitle, n.subtitle),
            ("territory.name", o.territory_name, n.territory_name),
            ("territory.label", o.territory_label, n.territory_label),
        ):
            self.value(here, pointer(*field.split(".")), field, a, b)
        self.value((PERIOD,), "/period/start", "period.start", o.period.start, n.period.start)
        self.value((PERIOD,), "/period/end", "period.end", o.period.end, n.period.end)
        handled = _CONVENTION_FIELDS
        if all(getattr(c, "duration", None) in (None, c.period.end - c.period.start + 1) for c in (o, n)):
            handled |= {"duration"}  # derived from the period, whose change is already shown
        self.extra(here, "", o, n, handled, top=True)

    def organisations(self) -> None:
        old, new = self.old.organisations, self.new.organisations
        pairs = match(old, new, [lambda g: g.key, lambda g: g.name], title=lambda g: g.name)
        for j, b in enumerate(new):
            ptr = pointer("organisations", b.key)
            here = (ORGANISATIONS, b.key)
            i = next((i for i, jj in pairs.items() if jj == j), None)
            if i is None:
                self.emit("added", here, ptr, "", None, _organisation(b))
                continue
            a = old[i]
            self.value(here, ptr, "key", a.key, b.key, op="renamed")
            if not (a.is_acronym and b.is_acronym):  # an acronym's label is its key
                self.value(here, _org_field(ptr, b, "label"), "label", a.label, b.label, op="renamed")
            self.value(here, _org_field(ptr, b, "name"), "name", a.name, b.name, op="renamed")
            self.value(here, ptr, "acronym", a.is_acronym, b.is_acronym)
            self.extra(here, ptr, a, b, _ORGANISATION_FIELDS)
        for i, a in enumerate(old):
            if i not in pairs:
                self.emit(
                    "removed", (ORGANISATIONS, a.key), pointer("organisations", a.key), "", _organisation(a), None
                )

    def glossary(self) -> None:
        old, new = dict(self.old.glossary), dict(self.new.glossary)
        for key, meaning in new.items():
            ptr = pointer("glossary", key)
            if key not in old:
                self.emit("added", (GLOSSARY, key), ptr, "", None, meaning)
            else:
                self.value((GLOSSARY, key), ptr, "meaning", old[key], meaning)
        for key, meaning in old.items():
            if key not in new:
                self.emit("removed", (GLOSSARY, key), pointer("glossary", key), "", meaning, None)

    def identity(self) -> None:
        old, new = self.old.identity, self.new.identity
        here = (IDENTITY,)
        if old is None or new is None:
            if old is not new:
                self.emit(
                    "added" if old is None else "removed",
                    here,
                    "/identity",
                    "",
                    old.title if old else None,
                    new.title if new else None,
                )
            return
        self.value(here, "/identity/title", "title", old.title, new.title, op="renamed")
        pairs = match(old.figures, new.figures, [lambda f: f.id, lambda f: f.title], title=lambda f: f.title)
        for j, b in enumerate(new.figures):
            ptr = pointer("identity", "figures", j)
            where = here + (b.title,)
            i = _paired(pairs, j)
            if i is None:
                self.emit("added", where, ptr, "", None, b.title)
                continue
            a = old.figures[i]
            self.value(where, ptr + "/title", "title", a.title, b.title, op="renamed")
            self.value(where, ptr + "/id", "id", a.id, b.id)
            self.value(where, ptr + "/source", "source", a.source, b.source)
            self.value(where, ptr + "/note", "note", a.note, b.note)
            self.figure_items(where, ptr, a, b)
        for i, a in enumerate(old.figures):
            if i not in pairs:
                self.emit("removed", here + (a.title,), pointer("identity", "figures", i), "", a.title, None)
        self.reorder(here, "/identity/figures", "figures", pairs, [f.id or f.title for f in old.figures])

    def figure_items(self, where: tuple[str, ...], ptr: str, old: FigureBlock, new: FigureBlock) -> None:
        pairs = match(old.items, new.items, [lambda x: x.label])
        for j, b in enumerate(new.items):
            item_ptr = ptr + pointer("items", j)
            i = _paired(pairs, j)
            if i is None:
                self.emit("added", where + (b.label,), item_ptr, "", None, _figure_item(b))
                continue
            a = old.items[i]
            self.value(where + (b.label,), item_ptr + "/value", "value", a.value, b.value)
            self.value(where + (b.label,), item_ptr + "/unit", "unit", a.unit, b.unit)
        for i, a in enumerate(old.items):
            if i not in pairs:
                self.emit("removed", where + (a.label,), ptr + pointer("items", i), "", _figure_item(a), None)
        self.reorder(where, ptr + "/items", "items", pairs, [x.label for x in old.items])

    def levels(self) -> None:
        old, new = self.old.levels, self.new.levels
        for k in range(max(len(old), len(new))):
            here = (LEVELS, f"Niveau {k + 1}")
            ptr = pointer("levels", k)
            if k >= len(old):
                self.emit("added", here, ptr, "", None, f"{new[k].name} ({new[k].numbering})")
            elif k >= len(new):
                self.emit("removed", here, ptr, "", f"{old[k].name} ({old[k].numbering})", None)
            else:
                self.value(here, ptr + "/name", "name", old[k].name, new[k].name, op="renamed")
                self.value(here, ptr + "/numbering", "numbering", old[k].numbering, new[k].numbering)

    def parts(self) -> None:
        old, new = self.old.parts, self.new.parts
        pairs = match(old, new, [lambda p: p.id], title=lambda p: p.title)
        for j, b in enumerate(new):
            ptr = pointer("parts", j)
            here = (PARTS, b.title)
            i = _paired(pairs, j)
            if i is None:
                self.emit("added", here, ptr, "", None, b.title)
                continue
            a: Part = old[i]
            self.value(here, ptr + "/id", "id", a.id, b.id)
            self.value(here, ptr + "/title", "title", a.title, b.title, op="renamed")
            self.value(here, ptr + "/subtitle", "subtitle", a.subtitle, b.subtitle)
            self.texts(here, ptr + "/text", "text", a.text, b.text)
        for i, a in enumerate(old):
            if i not in pairs:
                self.emit("removed", (PARTS, a.title), pointer("parts", i), "", a.title, None)
        self.reorder((PARTS,), "/parts", "parts", pairs, [p.id for p in old])

    # ------------------------------------------------------------------ the plan: sections and actions

    def plan(self) -> None:
        old_sections, old_actions = _flatten(self.old)
        new_sections, new_actions = _flatten(self.new)
        spairs: dict[int, int] = {}

        def same_parent(a: _Node, b: _Node) -> bool:
            if a.parent is None or b.parent is None:
                return a.parent is b.parent
            return spairs.get(a.parent) == b.parent

        # Sections, level by level, so that a parent is paired before its children.
        depth = 0
        while any(n.depth == depth for n in old_sections + new_sections):
            olds = [i for i, n in enumerate(old_sections) if n.depth == depth]
            news = [j for j, n in enumerate(new_sections) if n.depth == depth]
            found = match(
                [old_sections[i] for i in olds],
                [new_sections[j] for j in news],
                [lambda n: n.element.id, lambda n: n.element.title],
                title=lambda n: n.element.title,
                prefer=same_parent,
            )
            spairs.update({olds[i]: news[j] for i, j in found.items()})
            depth += 1
        apairs = match(
            old_actions,
            new_actions,
            [lambda n: n.element.id],
            title=lambda n: n.element.title,
            prefer=same_parent,
        )
        start = len(self.changes)
        sinverse = {j: i for i, j in spairs.items()}
        ainverse = {j: i for i, j in apairs.items()}

        def top_title(node: _Node) -> str:
            """The theme of an old node: the new title of its top section when that was kept."""
            k = None
            while node.parent is not None:
                k = node.parent
                node = old_sections[k]
            if k is None:
                k = old_sections.index(node)
            j = spairs.get(k)
            return new_sections[j].where[0] if j is not None else node.where[0]

        def children(nodes: list[_Node], parent: int | None) -> list[int]:
            return [k for k, n in enumerate(nodes) if n.parent == parent]

        def child_orders(where: tuple[str, ...], ptr: str, old_parent: int | None, new_parent: int | None) -> None:
            for field, olds, news, pairs in (
                ("sections", old_sections, new_sections, spairs),
                ("actions", old_actions, new_actions, apairs),
            ):
                before = children(olds, old_parent)
                after = set(children(news, new_parent))
                # position in the old list → flat index on the new side, for elements kept under this parent
                local = {pos: pairs[k] for pos, k in enumerate(before) if k in pairs and pairs[k] in after}
                self.reorder(where, ptr + "/" + field, field, local, [olds[k].ident for k in before])

        child_orders((PLAN,), "", None, None)
        for j, node in enumerate(new_sections):
            theme = node.where[0]
            i = sinverse.get(j)
            if i is None:
                self.emit("added", node.where, node.pointer, "", None, node.element.title, theme=theme)
            else:
                self.compare_section(old_sections[i], node, spairs, theme)
                child_orders(node.where, node.pointer, i, j)
            for k in children(new_actions, j):
                self.action(new_actions[k], ainverse.get(k), old_actions, spairs, theme)
        for i, node in enumerate(old_sections):
            if i not in spairs:
                self.emit("removed", node.where, node.pointer, "", node.element.title, None, theme=top_title(node))
        for i, node in enumerate(old_actions):
            if i not in apairs:
                self.emit("removed", node.where, node.pointer, "", node.element.title, None, theme=top_title(node))
        # Removals join their theme, in the order of the new document.
        themes = [PLAN] + [n.where[0] for n in new_sections if n.depth == 0]
        rank = {theme: k for k, theme in reversed(list(enumerate(themes)))}
        self.changes[start:] = sorted(self.changes[start:], key=lambda c: rank.get(c.theme, len(rank)))

    def compare_section(self, old: _Node, new: _Node, spairs: dict[int, int], theme: str) -> None:
        a, b = old.element, new.element
        assert isinstance(a, Section) and isinstance(b, Section)
        where, ptr = new.where, new.pointer
        if not _same_parent(old, new, spairs):
            self.emit(
                "moved",
                where,
                ptr,
                "",
                SEPARATOR.join(old.where),
                SEPARATOR.join(new.where),
                old_pointer=old.pointer,
                theme=theme,
            )
        self.value(where, ptr + "/title", "title", a.title, b.title, op="renamed")
        self.value(where, ptr + "/id", "id", a.id, b.id)
        self.value(where, ptr + "/part", "part", a.part, b.part)
        self.value(where, ptr + "/context/sources", "context.sources", a.context_sources, b.context_sources)
        self.texts(where, ptr + "/context/text", "context.text", a.context, b.context, theme=theme)
        self.value(where, ptr + "/orientations/title", "orientations.title", a.orientations_title, b.orientations_title)
        self.texts(
            where,
            ptr + "/orientations/items",
            "orientations.items",
            [_orientation(o) for o in a.orientations],
            [_orientation(o) for o in b.orientations],
            theme=theme,
        )
        self.extra(where, ptr, a, b, _SECTION_FIELDS, theme)

    def action(self, node: _Node, i: int | None, old_actions: list[_Node], spairs: dict[int, int], theme: str) -> None:
        b = node.element
        assert isinstance(b, Action)
        where, ptr = node.where, node.pointer
        if i is None:
            self.emit("added", where, ptr, "", None, b.title, theme=theme)
            return
        before = old_actions[i]
        a = before.element
        assert isinstance(a, Action)
        if not _same_parent(before, node, spairs):
            self.emit(
                "moved",
                where,
                ptr,
                "",
                SEPARATOR.join(before.where),
                SEPARATOR.join(where),
                old_pointer=before.pointer,
                theme=theme,
            )
        self.value(where, ptr + "/title", "title", a.title, b.title, op="renamed")
        self.value(where, ptr + "/id", "id", a.id, b.id)
        self.texts(where, ptr + "/details", "details", a.details, b.details, theme=theme)
        self.texts(where, ptr + "/results", "results", a.results, b.results, theme=theme)
        self.value(where, ptr + "/calendar", "calendar", a.calendar, b.calendar)
        actors_a, actors_b = [x.label for x in a.actors], [x.label for x in b.actors]
        if actors_a != actors_b:
            op: Op = "reordered" if sorted(actors_a) == sorted(actors_b) else "changed"
            self.emit(op, where, ptr + "/actors", "actors", ", ".join(actors_a), ", ".join(actors_b), theme=theme)
        self.value(where, ptr + "/note", "note", a.note, b.note)
        self.extra(where, ptr, a, b, _ACTION_FIELDS, theme)

    # ------------------------------------------------------------------ signature page and annexes

    def signatories(self) -> None:
        old, new = self.old.signatories, self.new.signatories
        pairs = match(old, new, [lambda s: s.id, lambda s: (s.organisation.key, s.role)])
        for j, b in enumerate(new):
            ptr = pointer("signatories", j)
            here = (SIGNATORIES, b.title)
            i = _paired(pairs, j)
            if i is None:
                self.emit("added", here, ptr, "", None, _signatory(b))
                continue
            a = old[i]
            self.value(here, ptr + "/id", "id", a.id, b.id)
            self.value(here, ptr + "/org", "org", a.organisation.key, b.organisation.key)
            self.value(here, ptr + "/civility", "civility", a.civility, b.civility)
            self.value(here, ptr + "/role", "role", a.role, b.role)
            self.value(here, ptr + "/name", "name", a.name, b.name)
            self.extra(here, ptr, a, b, _SIGNATORY_FIELDS)
        for i, a in enumerate(old):
            if i not in pairs:
                self.emit("removed", (SIGNATORIES, a.title), pointer("signatories", i), "", _signatory(a), None)
        self.reorder((SIGNATORIES,), "/signatories", "signatories", pairs, [s.id for s in old])

    def signature(self) -> None:
        here = (SIGNATURE,)
        self.value(here, "/signature/place", "place", self.old.signature_place, self.new.signature_place)
        self.value(here, "/signature/date", "date", _human(self.old.signature_date), _human(self.new.signature_date))

    def annexes(self) -> None:
        old, new = self.old.annexes, self.new.annexes
        old_folder, new_folder = _folder(self.old), _folder(self.new)
        old_keyed = [(x, _relative(x.file, old_folder) if x.file else None) for x in old]
        new_keyed = [(x, _relative(x.file, new_folder) if x.file else None) for x in new]
        pairs = match(old_keyed, new_keyed, [lambda k: k[1], lambda k: k[0].generated], title=lambda k: k[0].title)
        for j, b in enumerate(new):
            ptr = pointer("annexes", j)
            here = (ANNEXES, b.title)
            i = _paired(pairs, j)
            if i is None:
                self.emit("added", here, ptr, "", None, _annex(b, new_folder))
                continue
            a = old[i]
            self.value(here, ptr + "/title", "title", a.title, b.title, op="renamed")
            self.value(here, ptr + "/generated", "generated", a.generated, b.generated)
            a_file, b_file = old_keyed[i][1], new_keyed[j][1]
            self.value(here, ptr + "/file", "file", a_file, b_file)
            if a.file and b.file:
                a_hash, b_hash = self.old_digest(a.file), self.new_digest(b.file)
                if a_hash != b_hash:
                    self.emit("changed", here, ptr + "/file", "content", _short(a_hash), _short(b_hash))
        for i, a in enumerate(old):
            if i not in pairs:
                self.emit("removed", (ANNEXES, a.title), pointer("annexes", i), "", _annex(a, old_folder), None)
        self.reorder((ANNEXES,), "/annexes", "annexes", pairs, [x.title for x in old])


# ---------------------------------------------------------------------- small helpers


def _paired(pairs: dict[int, int], j: int) -> int | None:
    return next((i for i, jj in pairs.items() if jj == j), None)


def _same_parent(old: _Node, new: _Node, spairs: dict[int, int]) -> bool:
    if old.parent is None or new.parent is None:
        return old.parent is new.parent
    return spairs.get(old.parent) == new.parent


_CONVENTION_FIELDS = frozenset(
    "id kind status title subtitle territory_name territory_label period organisations glossary preamble identity"
    " levels parts sections signatories signature_place signature_date annexes source source_digest warnings".split()
)  # source_digest: the file's bytes, not its meaning (comments and quoting change it); warnings: validation's
_ORGANISATION_FIELDS = frozenset("key label name is_acronym".split())
_SECTION_FIELDS = frozenset(
    "id depth number label title part context_sources context orientations_title orientations sections actions".split()
)
_ACTION_FIELDS = frozenset("id number label title details results calendar actors note".split())
_SIGNATORY_FIELDS = frozenset("id organisation civility role name".split())
# Model field → manifest field, where they differ (for pointers).
_MANIFEST_NAMES = {
    "Convention.territory_example": "territory.example",
    "Party.organisation": "org",
    "Party.feminine": "gender",
    "Party.representatives": "signatories",
}
# The theme of a convention field compared generically.
_EXTRA_THEMES = {
    "duration": PERIOD,
    "parties": "Parties à la convention",
    "visas": "Visas",
    "diagnostic": "Diagnostic",
    "steering": "Pilotage",
    "court": "Juridiction",
    "plan": "Plan d’actions",
    "markers": "Repères",
}


def _is_record(value: object) -> bool:
    return is_dataclass(value) and not isinstance(value, type)


def _is_reference(value: object) -> bool:
    """A record named by an id or a key (an organisation, a signatory, a marker) met inside another."""
    return _is_record(value) and any(f.name in ("id", "key") for f in fields(value))  # type: ignore[arg-type]


def _record_key(value: object) -> Hashable | None:
    for name in ("id", "key"):
        key = getattr(value, name, None)
        if isinstance(key, str):
            return (name, key)
    organisation = getattr(value, "organisation", None)
    if isinstance(organisation, Organisation):
        return ("organisation", organisation.key)
    return None


def _record_title(value: object) -> str:
    title = getattr(value, "title", None)
    return title if isinstance(title, str) else ""


def _record_name(value: object) -> str:
    """How a path names a record: its title, key, id, organisation or label."""
    for name in ("title", "key", "id", "label", "name"):
        text = getattr(value, name, None)
        if isinstance(text, str) and text:
            return text
    organisation = getattr(value, "organisation", None)
    return organisation.label if isinstance(organisation, Organisation) else ""


def _record_step(value: object, index: int) -> str | int:
    """The pointer step to a record: its key in a map (organisations, markers), else its index."""
    key = getattr(value, "key", None)
    return key if isinstance(key, str) else index


def _describe(value: object) -> str | None:
    """A whole record as text, every field (references by their id or key)."""
    if not _is_record(value):
        return _human(value)
    parts = (_human(getattr(value, f.name)) for f in fields(value))  # type: ignore[arg-type]
    return ", ".join(p for p in parts if p)


def _human(value: object) -> str | None:
    """Any model value as text: dates in ISO form, organisations by key, records field by field."""
    if value is None or isinstance(value, str | bool | int | float):
        return _text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if _is_reference(value):
        return str(getattr(value, "id", None) or getattr(value, "key", ""))
    if isinstance(value, tuple | list):
        return "; ".join(filter(None, (_human(x) for x in value)))
    if is_dataclass(value):
        parts = (_human(getattr(value, f.name)) for f in fields(value))
        return ", ".join(p for p in parts if p)
    return str(value)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _short(digest: str | None) -> str | None:
    return f"sha256:{digest[:12]}" if digest else None


def _organisation(org: Organisation) -> str:
    return org.label if org.name == org.label else f"{org.label} ({org.name})"


def _org_field(ptr: str, org: Organisation, field: str) -> str:
    return ptr if org.is_acronym else ptr + "/" + field


def _orientation(o: Orientation) -> str:
    if o.heading is None:
        return " ; ".join(o.items)
    return f"{o.heading} : " + " ; ".join(o.items)


def _figure_item(x: FigureItem) -> str:
    if x.value is None:
        return x.label
    return f"{x.label} : {x.value}" + (f" {x.unit}" if x.unit else "")


def _signatory(s: Signatory) -> str:
    return f"{s.title}, {s.name} ({s.organisation.label})"


def _folder(c: Convention) -> Path:
    return c.source.resolve().parent


def _relative(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.as_posix()


def _annex(x: Annex, folder: Path) -> str:
    if x.file:
        return f"{x.title} ({_relative(x.file, folder)})"
    return f"{x.title} ({x.generated})"
