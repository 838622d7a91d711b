"""The reviewers' diff: two versions of a convention → the list of what changed.

The core knows nothing of the command line: `diff_conventions` compares two models,
`paraphe.diff.format` writes the changes as text, Markdown, JSON or HTML, and
`paraphe.diff.sources` reads a side from a file or from a git revision.

Inside, by concern: `change` (what a change is), `matching` (pairing old and new
elements), `core` (the parts of a convention, in the document's order), `tree` (the
plan's sections and actions), `generic` and `values` (the field-by-field comparison),
`labels` (the French words), `words` (word-level changes in long texts).
"""

from __future__ import annotations

from paraphe.diff.change import OPS, Change, Op, file_digest
from paraphe.diff.core import diff_conventions
from paraphe.diff.matching import match
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
