"""Where each value of a manifest was written: what every diagnostic about it quotes."""

from __future__ import annotations

from dataclasses import dataclass, field

from paraphe.diagnostics import Location

Pointer = tuple[str | int, ...]


@dataclass(frozen=True)
class SourceMap:
    """Positions of the nodes of one manifest, by JSON pointer."""

    file: str
    values: dict[Pointer, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Pointer, tuple[int, int]] = field(default_factory=dict)
    # Lists written in brackets (`[a, b]`): a comma there splits a text silently (manifest/prose_lists.py).
    flow_lists: list[Pointer] = field(default_factory=list)

    def locate(self, pointer: Pointer, *, key: bool = False) -> Location:
        """The value at `pointer` (or its key), else its nearest located ancestor."""
        table = self.keys if key else self.values
        if pointer in table:
            return Location(self.file, *table[pointer])
        while pointer:
            pointer = pointer[:-1]
            if pointer in self.values:
                return Location(self.file, *self.values[pointer])
        return Location(self.file, 1, 1)
