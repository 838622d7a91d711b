"""Pairing the elements of two versions: by stable key first, then by a similar title.

The pairs are what the rest of the diff reads: an element left unpaired was added or
removed; a pair is compared field by field, and the order of the pairs tells a reordering.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Sequence
from difflib import SequenceMatcher
from typing import TypeVar

from paraphe.diff.words import TITLE_SIMILARITY, normalise

T = TypeVar("T")

# Title matching compares every unpaired old title with every new one up to this many pairs (a
# manifest's usual few hundred elements); past it, each new title only with its likeliest old ones.
ALL_PAIRS = 250_000
TOP_CANDIDATES = 30
MAX_POSTINGS = 200

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
    left = {i: normalise(title(a)) for i, a in enumerate(old) if i not in pairs}
    right = {j: normalise(title(b)) for j, b in enumerate(new) if j not in taken}
    _match_unique_titles(old, new, prefer, left, right, pairs, taken)
    # Best pairs first: the preferred (same parent), then the most alike, then the nearest in place.
    scored: list[tuple[bool, float, int, int, int]] = []
    matcher = SequenceMatcher(None, autojunk=False)
    current = -1
    for j, i in _candidates(left, right):
        a, b = left[i], right[j]
        if j != current:  # set_seq2 indexes the new title: once per new title, not per pair
            matcher.set_seq2(b)
            current = j
        matcher.set_seq1(a)
        # The cheap upper bounds first: the same pairs pass as with ratio() alone.
        if matcher.real_quick_ratio() < TITLE_SIMILARITY or matcher.quick_ratio() < TITLE_SIMILARITY:
            continue
        ratio = matcher.ratio()
        if ratio >= TITLE_SIMILARITY:
            scored.append((bool(prefer and prefer(old[i], new[j])), ratio, -abs(i - j), i, j))
    for _, _, _, i, j in sorted(scored, reverse=True):
        if i not in pairs and j not in taken:
            pairs[i] = j
            taken.add(j)


def _match_unique_titles(
    old: Sequence[T],
    new: Sequence[T],
    prefer: Prefer[T] | None,
    left: dict[int, str],
    right: dict[int, str],
    pairs: dict[int, int],
    taken: set[int],
) -> None:
    """Pair at once a title found once on each side, in the preferred place (or with no preference).

    Such a pair ranks first for both of its elements (preferred, ratio 1, no tie), so the
    scoring below would choose it too; taking it here spares comparing it with everything else:
    a thousand actions whose ids were all renamed pair in linear time.
    """
    once_left, once_right = _once(left), _once(right)
    for text, i in once_left.items():
        j = once_right.get(text)
        if j is not None and (prefer is None or prefer(old[i], new[j])):
            pairs[i] = j
            taken.add(j)
            del left[i], right[j]


def _once(titles: dict[int, str]) -> dict[str, int]:
    seen: dict[str, int] = {}
    repeated: set[str] = set()
    for index, text in titles.items():
        if text in seen:
            repeated.add(text)
        seen[text] = index
    return {text: index for text, index in seen.items() if text not in repeated}


def _candidates(left: dict[int, str], right: dict[int, str]) -> Iterator[tuple[int, int]]:
    """(new, old) pairs worth scoring, grouped by new title.

    Every pair while there are few (a manifest's usual size); past ALL_PAIRS, the old titles that
    share the most rare three-letter sequences with each new one (TOP_CANDIDATES of them): alike
    titles share many, and the work grows with the number of titles, not with its square.
    """
    if len(left) * len(right) <= ALL_PAIRS:
        for j in right:
            yield from ((j, i) for i in left)
        return
    postings: dict[str, list[int]] = {}
    for i, text in left.items():
        for gram in _trigrams(text):
            postings.setdefault(gram, []).append(i)
    for j, text in right.items():
        shared: Counter[int] = Counter()
        for gram in _trigrams(text):
            holders = postings.get(gram, ())
            if len(holders) <= MAX_POSTINGS:  # a sequence nearly every title has tells nothing
                shared.update(holders)
        yield from ((j, i) for i, _ in shared.most_common(TOP_CANDIDATES))


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[k : k + 3] for k in range(len(padded) - 2)}


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
