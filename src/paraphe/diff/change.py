"""What a change is: one difference between two versions, where it sits, how tools point at it.

Every other module of the diff speaks this vocabulary; it imports nothing of theirs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from paraphe.diff.words import Segment

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


@dataclass(frozen=True)
class Change:
    """One difference between two versions of a convention.

    `path` is for people (« Petite enfance › Axe 1 › Action 6 ») with `title`, the title of the
    section or action concerned (« Promouvoir le site Internet »), `pointer` for tools
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
    title: str | None = None  # the section or action concerned, by its title (the old one for a removal)

    @property
    def names_subject(self) -> bool:
        """Whether people must be told the title: a path alone (« Axe 3 › Action 5 ») does not say which
        action it is, and a whole element added or removed, or a renaming, already shows its title."""
        if self.title is None or self.field == "title":
            return False
        return not (self.field == "" and self.op in ("added", "removed"))

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
        if self.title is not None:
            out["title"] = self.title
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
