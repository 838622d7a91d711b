"""Pairing the elements of two versions: by stable key first, then by a similar title.

The pairs are what the rest of the diff reads: an element left unpaired was added or
removed; a pair is compared field by field, and the order of the pairs tells a reordering.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from paraphe.diff.words import TITLE_SIMILARITY, similarity

T = TypeVar("T")

Key = Callable[[T], Hashable | None]
Prefer = Callable[[T, T], bool]


def match(
    old: Sequence[T],
    new: Sequence[T],
    keys: Sequence[Key[T]],
    title: Callable[[T], str] | None = None,
    prefer: Prefer[T] | None = None,
) -> dict[int, int]:
    """Pair old and new elements (old index → new index).

    Each key function is tried in turn on what is still unpaired (None: no key);
    then, if `title` is given, titles at least `TITLE_SIMILARITY` alike, best first.
    `prefer` breaks ties (e.g. the same parent).
    """
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for key in keys:
        _match_key(old, new, key, prefer, pairs, taken)
    if title is not None:
        _match_title(old, new, title, prefer, pairs, taken)
    return pairs


def _match_key(
    old: Sequence[T],
    new: Sequence[T],
    key: Key[T],
    prefer: Prefer[T] | None,
    pairs: dict[int, int],
    taken: set[int],
) -> None:
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


def _match_title(
    old: Sequence[T],
    new: Sequence[T],
    title: Callable[[T], str],
    prefer: Prefer[T] | None,
    pairs: dict[int, int],
    taken: set[int],
) -> None:
    # Best pairs first: the preferred (same parent), then the most alike, then the nearest in place.
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


def order_change(pairs: dict[int, int], names: Sequence[str]) -> tuple[str, str] | None:
    """Old and new order of the paired elements, named by `names` (old side), if it changed."""
    before = sorted(pairs)
    after = sorted(pairs, key=lambda i: pairs[i])
    if before == after:
        return None
    return ", ".join(names[i] for i in before), ", ".join(names[i] for i in after)


def paired(pairs: dict[int, int], j: int) -> int | None:
    """The old index paired with new index `j`, if any."""
    return next((i for i, jj in pairs.items() if jj == j), None)
