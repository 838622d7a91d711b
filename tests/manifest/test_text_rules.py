"""The text rules' quick look (is anything wrong anywhere?) agrees with their located reading."""

from __future__ import annotations

import random
from typing import Any

from paraphe.manifest import text_rules
from paraphe.manifest.text_rules import MAX_KEY, MAX_TEXT

_TEXTS = ["Mende", "", "x" * (MAX_TEXT + 1), "a\u202eb", "nul\x00", "tab\tfine", "zero\u200bwidth", "line\nbreak"]
_KEYS = ["title", "y" * (MAX_KEY + 1), "k\x07", 3, "é"]


def _value(chance: random.Random, depth: int = 0) -> Any:
    roll = chance.random()
    if depth < 4 and roll < 0.3:
        return {chance.choice(_KEYS): _value(chance, depth + 1) for _ in range(chance.randint(0, 3))}
    if depth < 4 and roll < 0.5:
        return [_value(chance, depth + 1) for _ in range(chance.randint(0, 3))]
    return chance.choice([*_TEXTS, 12, 1.5, True, None])


def test_the_quick_look_finds_what_the_located_reading_finds() -> None:
    chance = random.Random(18)
    found = 0
    for _ in range(2000):
        data = _value(chance)
        located = list(text_rules._walk(data, (), lambda pointer, key=False: pointer))
        assert text_rules._any_problem(data) == bool(located), data
        found += bool(located)
    assert 200 < found < 1800  # both kinds of manifest were met
