"""The reviewers' diff: two versions of a convention → the list of what changed.

The core knows nothing of the command line: `diff_conventions` compares two models,
`paraphe.diff.format` writes the changes as text, Markdown, JSON or HTML, and
`paraphe.diff.sources` reads a side from a file or from a git revision.
"""

from __future__ import annotations

from paraphe.diff.core import OPS, Change, Op, diff_conventions, file_digest, match
from paraphe.diff.words import TITLE_SIMILARITY, Segment, similarity, word_diff

__all__ = [
    "OPS",
    "TITLE_SIMILARITY",
    "Change",
    "Op",
    "Segment",
    "diff_conventions",
    "file_digest",
    "match",
    "similarity",
    "word_diff",
]
