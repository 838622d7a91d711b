"""Lists of prose are written one item per line: a bracketed list splits legal text at its commas.

`visas: [le code de l'action sociale, notamment ses articles L. 214-1]` is, to YAML, two visas.
Every item is valid text, so no schema can see it: this rule refuses the bracketed (flow) style
wherever the schema expects a list of free text (visas, paragraphs, commitments, orientations…).
Lists of short tokens (ids of signatories, markers, organisations' keys, numbers) keep it: a
comma cannot be part of them, so nothing can split unseen.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from paraphe.diagnostics import Diagnostic
from paraphe.i18n import _
from paraphe.manifest.source_map import Pointer, SourceMap

Schema = Mapping[str, Any]


def flow_prose_lists(source: SourceMap, schema: Schema) -> Iterator[Diagnostic]:
    """A diagnostic for each list of prose written in brackets."""
    for pointer in source.flow_lists:
        if holds_prose(schema, pointer):
            yield Diagnostic(
                source.locate(pointer),
                _(
                    "{field}: a list of texts in brackets [ ] is split at every comma; "
                    "write each text on a line of its own, after '- '",
                    field=_field(pointer),
                ),
                "yaml.flow-list",
            )


def holds_prose(schema: Schema, pointer: Pointer) -> bool:
    """Whether the schema expects, at `pointer`, a list whose items may be free text."""
    return any(_is_prose_list(schema, node) for node in _nodes_at(schema, schema, pointer))


def _nodes_at(root: Schema, node: Schema, pointer: Pointer) -> Iterator[Schema]:
    """Every subschema that may describe the value at `pointer` (each branch of a oneOf)."""
    for branch in _branches(root, node):
        if not pointer:
            yield branch
            continue
        step, rest = pointer[0], pointer[1:]
        if isinstance(step, int) and isinstance(branch.get("items"), Mapping):
            yield from _nodes_at(root, branch["items"], rest)
        elif isinstance(step, str) and step in branch.get("properties", {}):
            yield from _nodes_at(root, branch["properties"][step], rest)
        elif isinstance(step, str) and isinstance(branch.get("additionalProperties"), Mapping):
            yield from _nodes_at(root, branch["additionalProperties"], rest)


def _branches(root: Schema, node: Schema) -> Iterator[Schema]:
    """`node` with its $ref followed and its oneOf/anyOf opened."""
    if "$ref" in node:
        node = _resolve(root, node["$ref"])
    alternatives = node.get("oneOf") or node.get("anyOf")
    if alternatives:
        for alternative in alternatives:
            yield from _branches(root, alternative)
    else:
        yield node


def _resolve(root: Schema, ref: str) -> Schema:
    found: Any = root
    for part in ref.removeprefix("#/").split("/"):
        found = found[part]
    resolved: Schema = found
    return resolved


def _is_prose_list(root: Schema, node: Schema) -> bool:
    if node.get("x-cells"):
        # A table's row or header: a comma would make one cell too many, which chapter.table reports.
        return False
    items = node.get("items")
    return isinstance(items, Mapping) and any(_is_free_text(branch) for branch in _branches(root, items))


def _is_free_text(node: Schema) -> bool:
    # An id, a key or a date has a pattern or a list of choices; prose has neither.
    return node.get("type") == "string" and "pattern" not in node and "enum" not in node


@cache
def _field(pointer: Pointer) -> str:
    return ".".join(str(step) for step in pointer) or "manifest"
