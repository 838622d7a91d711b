"""The plan's tree: sections and actions paired across versions, wherever they moved.

Sections are paired level by level, so that a parent is paired before its children and a
tie between alike titles goes to the one under the same (paired) parent; actions are then
paired across the whole tree. A pair under another parent is *moved*; the order of the
pairs kept under one parent tells a reordering.
"""

from __future__ import annotations

from dataclasses import dataclass

from paraphe.diff.change import PLAN, SEPARATOR, Op, pointer
from paraphe.diff.generic import Comparer, Where
from paraphe.diff.matching import match
from paraphe.manifest.model import Action, Convention, Orientation, Section

# Model fields compared one by one below; `extra` takes any other.
SECTION_FIELDS = frozenset(
    "id depth number label title part context_sources context orientations_title orientations sections actions".split()
)
ACTION_FIELDS = frozenset("id number label title details results calendar actors note".split())


@dataclass(frozen=True)
class _Node:
    """A section or an action, where it sits in its tree."""

    element: Section | Action
    where: Where
    pointer: str
    parent: int | None  # index of the parent section in the flat list; None: the root
    depth: int

    @property
    def ident(self) -> str:
        return self.element.id or self.element.title


def compare_plan(out: Comparer, old: Convention, new: Convention) -> None:
    """The plan's changes, appended to `out`: removals join their theme in the new document's order."""
    _PlanWalk(out, old, new).run()


def _step(element: Section | Action) -> str:
    return element.label if element.number else element.title


def _flatten(convention: Convention) -> tuple[list[_Node], list[_Node]]:
    sections: list[_Node] = []
    actions: list[_Node] = []

    def walk(section: Section, where: Where, ptr: str, parent: int | None, depth: int) -> None:
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


def _children(nodes: list[_Node], parent: int | None) -> list[int]:
    return [k for k, n in enumerate(nodes) if n.parent == parent]


def _orientation(o: Orientation) -> str:
    if o.heading is None:
        return " ; ".join(o.items)
    return f"{o.heading} : " + " ; ".join(o.items)


class _PlanWalk:
    def __init__(self, out: Comparer, old: Convention, new: Convention) -> None:
        self.out = out
        self.old_sections, self.old_actions = _flatten(old)
        self.new_sections, self.new_actions = _flatten(new)
        self.spairs: dict[int, int] = {}  # filled level by level: `same_parent` reads the levels above
        self._pair_sections()
        self.apairs = match(
            self.old_actions,
            self.new_actions,
            [lambda n: n.element.id],
            title=lambda n: n.element.title,
            prefer=self.same_parent,
        )

    def _pair_sections(self) -> None:
        depth = 0
        while any(n.depth == depth for n in self.old_sections + self.new_sections):
            olds = [i for i, n in enumerate(self.old_sections) if n.depth == depth]
            news = [j for j, n in enumerate(self.new_sections) if n.depth == depth]
            found = match(
                [self.old_sections[i] for i in olds],
                [self.new_sections[j] for j in news],
                [lambda n: n.element.id, lambda n: n.element.title],
                title=lambda n: n.element.title,
                prefer=self.same_parent,
            )
            self.spairs.update({olds[i]: news[j] for i, j in found.items()})
            depth += 1

    def same_parent(self, old: _Node, new: _Node) -> bool:
        if old.parent is None or new.parent is None:
            return old.parent is new.parent
        return self.spairs.get(old.parent) == new.parent

    def run(self) -> None:
        out = self.out
        start = len(out.changes)
        sinverse = {j: i for i, j in self.spairs.items()}
        ainverse = {j: i for i, j in self.apairs.items()}
        self.child_orders((PLAN,), "", None, None)
        for j, node in enumerate(self.new_sections):
            theme = node.where[0]
            i = sinverse.get(j)
            if i is None:
                title = node.element.title
                out.emit("added", node.where, node.pointer, "", None, title, theme=theme, title=title)
            else:
                self.compare_section(self.old_sections[i], node, theme)
                out.subject = node.element.title
                self.child_orders(node.where, node.pointer, i, j)
                out.subject = None
            for k in _children(self.new_actions, j):
                self.action(self.new_actions[k], ainverse.get(k), theme)
        self.removals()
        # Removals join their theme, in the order of the new document.
        themes = [PLAN] + [n.where[0] for n in self.new_sections if n.depth == 0]
        rank = {theme: k for k, theme in reversed(list(enumerate(themes)))}
        out.changes[start:] = sorted(out.changes[start:], key=lambda c: rank.get(c.theme, len(rank)))

    def removals(self) -> None:
        for nodes, pairs in ((self.old_sections, self.spairs), (self.old_actions, self.apairs)):
            for i, node in enumerate(nodes):
                if i not in pairs:
                    theme = self.top_title(node)
                    title = node.element.title
                    self.out.emit("removed", node.where, node.pointer, "", title, None, theme=theme, title=title)

    def top_title(self, node: _Node) -> str:
        """The theme of an old node: the new title of its top section when that was kept."""
        k = None
        while node.parent is not None:
            k = node.parent
            node = self.old_sections[k]
        if k is None:
            k = self.old_sections.index(node)
        j = self.spairs.get(k)
        return self.new_sections[j].where[0] if j is not None else node.where[0]

    def child_orders(self, where: Where, ptr: str, old_parent: int | None, new_parent: int | None) -> None:
        for field, olds, news, pairs in (
            ("sections", self.old_sections, self.new_sections, self.spairs),
            ("actions", self.old_actions, self.new_actions, self.apairs),
        ):
            before = _children(olds, old_parent)
            after = set(_children(news, new_parent))
            # position in the old list → flat index on the new side, for elements kept under this parent
            local = {pos: pairs[k] for pos, k in enumerate(before) if k in pairs and pairs[k] in after}
            self.out.reorder(where, ptr + "/" + field, field, local, [olds[k].ident for k in before])

    def moved(self, old: _Node, new: _Node, theme: str) -> None:
        if not self.same_parent(old, new):
            self.out.emit(
                "moved",
                new.where,
                new.pointer,
                "",
                SEPARATOR.join(old.where),
                SEPARATOR.join(new.where),
                old_pointer=old.pointer,
                theme=theme,
                title=new.element.title,
            )

    def compare_section(self, old: _Node, new: _Node, theme: str) -> None:
        a, b = old.element, new.element
        assert isinstance(a, Section) and isinstance(b, Section)
        out, where, ptr = self.out, new.where, new.pointer
        out.subject = b.title
        self.moved(old, new, theme)
        out.value(where, ptr + "/title", "title", a.title, b.title, op="renamed")
        out.value(where, ptr + "/id", "id", a.id, b.id)
        out.value(where, ptr + "/part", "part", a.part, b.part)
        out.value(where, ptr + "/context/sources", "context.sources", a.context_sources, b.context_sources)
        out.texts(where, ptr + "/context/text", "context.text", a.context, b.context, theme=theme)
        out.value(where, ptr + "/orientations/title", "orientations.title", a.orientations_title, b.orientations_title)
        out.texts(
            where,
            ptr + "/orientations/items",
            "orientations.items",
            [_orientation(o) for o in a.orientations],
            [_orientation(o) for o in b.orientations],
            theme=theme,
        )
        out.extra(where, ptr, a, b, SECTION_FIELDS, theme)
        out.subject = None

    def action(self, node: _Node, i: int | None, theme: str) -> None:
        b = node.element
        assert isinstance(b, Action)
        out, where, ptr = self.out, node.where, node.pointer
        if i is None:
            out.emit("added", where, ptr, "", None, b.title, theme=theme, title=b.title)
            return
        before = self.old_actions[i]
        a = before.element
        assert isinstance(a, Action)
        out.subject = b.title
        self.moved(before, node, theme)
        out.value(where, ptr + "/title", "title", a.title, b.title, op="renamed")
        out.value(where, ptr + "/id", "id", a.id, b.id)
        out.texts(where, ptr + "/details", "details", a.details, b.details, theme=theme)
        out.texts(where, ptr + "/results", "results", a.results, b.results, theme=theme)
        out.value(where, ptr + "/calendar", "calendar", a.calendar, b.calendar)
        actors_a, actors_b = [x.label for x in a.actors], [x.label for x in b.actors]
        if actors_a != actors_b:
            op: Op = "reordered" if sorted(actors_a) == sorted(actors_b) else "changed"
            out.emit(op, where, ptr + "/actors", "actors", ", ".join(actors_a), ", ".join(actors_b), theme=theme)
        out.value(where, ptr + "/note", "note", a.note, b.note)
        out.extra(where, ptr, a, b, ACTION_FIELDS, theme)
        out.subject = None
