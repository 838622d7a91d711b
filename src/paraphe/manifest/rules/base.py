"""What every rule reads: the manifest's data, where each value is, and walks over its tree."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from paraphe.diagnostics import Diagnostic
from paraphe.manifest.load import LoadedManifest
from paraphe.manifest.source_map import Pointer, SourceMap

Node = dict[str, Any]


@dataclass(frozen=True)
class Manifest:
    """A loaded manifest the schema has accepted: rules may rely on the shape it guarantees."""

    loaded: LoadedManifest

    @property
    def data(self) -> Node:
        data: Node = self.loaded.data
        return data

    @property
    def source(self) -> SourceMap:
        return self.loaded.source

    @property
    def path(self) -> Path:
        return self.loaded.path

    @property
    def is_final(self) -> bool:
        return bool(self.data["status"] == "final")

    @property
    def organisations(self) -> dict[str, Any]:
        organisations: dict[str, Any] = self.data["organisations"]
        return organisations

    @property
    def signatories(self) -> list[Node]:
        signatories: list[Node] = self.data["signatories"]
        return signatories

    @cached_property
    def texts(self) -> dict[str, list[str]]:
        """Every string value of the manifest under each top-level key, in the document's order, walked once
        for all the rules. Without their pointers: a rule that finds something wrong locates it with `strings`
        (a pointer made for each of an SDSF's 4 000 values was a tenth of its loading)."""
        return {key: list(_values(value)) for key, value in self.data.items()}

    def at(self, pointer: Pointer, message: str, rule: str, *, key: bool = False) -> Diagnostic:
        """A diagnostic on the value at `pointer` (on its key with `key=True`)."""
        return Diagnostic(self.source.locate(pointer, key=key), message, rule)

    def sections(self) -> Iterator[tuple[Pointer, Node, int]]:
        """Every section, depth first, with its pointer and depth (0 at the top)."""
        return _walk_sections(self.data["sections"], ("sections",))

    def actions(self) -> Iterator[tuple[Pointer, Node, int]]:
        """Every action with its pointer and its own depth (one below its section's)."""
        for pointer, section, depth in self.sections():
            for j, action in enumerate(section.get("actions", [])):
                yield pointer + ("actions", j), action, depth + 1


def _walk_sections(sections: list[Node], pointer: Pointer, depth: int = 0) -> Iterator[tuple[Pointer, Node, int]]:
    for i, section in enumerate(sections):
        here = pointer + (i,)
        yield here, section, depth
        yield from _walk_sections(section.get("sections", []), here + ("sections",), depth + 1)


def strings(node: Any, pointer: Pointer = ()) -> Iterator[tuple[Pointer, str]]:
    """Every string value under `node`, with its pointer, in the document's order."""
    # A stack rather than nested generators: each string would otherwise pass up through every level.
    waiting: list[tuple[Pointer, Any]] = [(pointer, node)]
    while waiting:
        here, value = waiting.pop()
        if isinstance(value, dict):
            waiting.extend(((*here, key), item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            waiting.extend(((*here, index), item) for index, item in reversed(list(enumerate(value))))
        elif isinstance(value, str):
            yield here, value


def _values(node: Any) -> Iterator[str]:
    """Every string value under `node`, in the document's order (`strings` without the pointers)."""
    waiting: list[Any] = [node]
    while waiting:
        value = waiting.pop()
        if isinstance(value, dict):
            waiting.extend(reversed(value.values()))
        elif isinstance(value, list):
            waiting.extend(reversed(value))
        elif isinstance(value, str):
            yield value


def get(data: Any, pointer: Pointer) -> Any:
    """The value at `pointer`, or None where the path does not exist."""
    for step in pointer:
        if isinstance(data, dict) and isinstance(step, str):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return None
    return data


# One concern each: a rule reads the manifest and yields what is wrong with it.
Check = Callable[[Manifest], Iterable[Diagnostic]]
