"""What a template may use: the shape of the context paraphe gives each kind, derived from the builders.

The context builders (`context`, `ctg`, `parties`, `blocks`) return plain dicts, lists and strings.
Their shape is read off the context they build for a *specimen*: a manifest shipped with paraphe
(`paraphe/data/specimens/`) that fills every optional part (identity, parts, opening, plan…), so
that every key and every list's items appear. `templates check` compares a template's tags with
this shape; the README's reference of variables is generated from it with `DESCRIPTIONS`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from paraphe.manifest.convention import load_convention
from paraphe.manifest.model import Convention
from paraphe.render.context import build_context
from paraphe.resources import specimen_path

# The kinds whose context is built the same way share a specimen.
SPECIMENS = {"sdsf": "sdsf", "sdavs": "sdsf", "ctg": "ctg"}
KINDS = tuple(SPECIMENS)


@dataclass(frozen=True)
class Shape:
    """A value of the context: `kind` is « text », « yes/no », « number », « list », « record » or « any »."""

    kind: str
    path: str  # where it is: « fiches[].rows[].label »
    fields: dict[str, Shape] = field(default_factory=dict)  # a record's keys
    item: Shape | None = None  # a list's items

    def walk(self) -> Iterator[Shape]:
        """This shape and every one inside it, depth first, keys in their order."""
        yield self
        for child in self.fields.values():
            yield from child.walk()
        if self.item is not None:
            yield from self.item.walk()

    @property
    def type_name(self) -> str:
        if self.kind == "list" and self.item is not None:
            return f"list of {self.item.type_name}"
        return {"record": "record", "any": "any"}.get(self.kind, self.kind)


ANY = Shape("any", "")


def shape_of(value: Any, path: str) -> Shape:
    """The shape of a context value; a list's items merged (the union of their keys)."""
    if isinstance(value, bool):
        return Shape("yes/no", path)
    if isinstance(value, int | float):
        return Shape("number", path)
    if isinstance(value, str):
        return Shape("text", path)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return Shape("record", path, {k: shape_of(v, f"{path}.{k}" if path else k) for k, v in value.items()})
    if isinstance(value, list | tuple):
        items = [shape_of(v, f"{path}[]") for v in value]
        return Shape("list", path, item=_merged(items, f"{path}[]"))
    return Shape("any", path)  # None (an absent optional part) or an object docxtpl prints (an image)


def _merged(shapes: list[Shape], path: str) -> Shape:
    if not shapes:
        return Shape("any", path)
    kinds = {s.kind for s in shapes} - {"any"}
    if len(kinds) != 1:  # nothing known, or values of different kinds
        return Shape("any", path)
    kind = kinds.pop()
    if kind == "record":
        fields: dict[str, list[Shape]] = {}
        for s in shapes:
            for key, child in s.fields.items():
                fields.setdefault(key, []).append(child)
        return Shape("record", path, {k: _merged(v, f"{path}.{k}") for k, v in fields.items()})
    if kind == "list":
        return Shape("list", path, item=_merged([s.item for s in shapes if s.item is not None], f"{path}[]"))
    return Shape(kind, path)


@cache
def specimen(kind: str) -> Convention:
    """The specimen convention of a kind (a KeyError for a kind paraphe does not know)."""
    convention = load_convention(specimen_path(SPECIMENS[kind]))
    return dataclasses.replace(convention, kind=kind)


@cache
def context_shape(kind: str) -> Shape:
    """The shape of the context a template of `kind` receives."""
    # Without an image maker, charts are left out (""): drawing them is not needed to know the shape.
    return shape_of(build_context(specimen(kind)), "")
