"""Word-level differences between two texts, and how alike two titles are."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

SegmentOp = Literal["equal", "insert", "delete"]

# Two titles at least this alike (difflib ratio, case and spacing ignored) are taken
# for the same element when no stable id pairs them. Pinned by tests/diff/.
TITLE_SIMILARITY = 0.75

# A text change gets a word-level diff when either side has at least this many words.
LONG_TEXT_WORDS = 6

_TOKEN = re.compile(r"\s+|[\w’'-]+|[^\w\s]")


@dataclass(frozen=True)
class Segment:
    """A run of words kept, inserted or deleted."""

    op: SegmentOp
    text: str

    def as_json(self) -> dict[str, str]:
        return {"op": self.op, "text": self.text}


def normalise(text: str) -> str:
    return " ".join(text.replace("’", "'").casefold().split())


def similarity(a: str, b: str) -> float:
    """How alike two titles are, from 0 to 1 (case, apostrophes and spacing ignored)."""
    return SequenceMatcher(None, normalise(a), normalise(b), autojunk=False).ratio()


def is_long(old: str, new: str) -> bool:
    return max(len(old.split()), len(new.split())) >= LONG_TEXT_WORDS


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    """The segments that turn `old` into `new`, word by word."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    segments: list[Segment] = []

    def add(op: SegmentOp, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if segments and segments[-1].op == op:
            segments[-1] = Segment(op, segments[-1].text + text)
        else:
            segments.append(Segment(op, text))

    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            kept = a[i1:i2]
            # A lone space between two changes reads better inside the change.
            between = 0 < index < len(opcodes) - 1 and all(t.isspace() for t in kept)
            if between:
                add("delete", kept)
                add("insert", kept)
            else:
                add("equal", kept)
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return tuple(_regroup(segments))


def _regroup(segments: list[Segment]) -> list[Segment]:
    """Deletions before insertions inside each changed run: `[-a b-]{+c d+}`."""
    out: list[Segment] = []
    run: list[Segment] = []

    def flush() -> None:
        deleted = "".join(s.text for s in run if s.op == "delete")
        inserted = "".join(s.text for s in run if s.op == "insert")
        if deleted:
            out.append(Segment("delete", deleted))
        if inserted:
            out.append(Segment("insert", inserted))
        run.clear()

    for segment in segments:
        if segment.op == "equal":
            flush()
            out.append(segment)
        else:
            run.append(segment)
    flush()
    return out
