"""An acronym or organisation counts as mentioned only as a word of one text, never across two."""

from __future__ import annotations

import pytest

from paraphe.manifest.rules.unused import _APART, _mentioned


@pytest.mark.parametrize(
    ("texts", "mentioned"),
    [
        (["La CAF finance", "rien"], True),
        (["rien", "CAF"], True),  # the first word of a later text
        (["CAF", "rien"], True),  # the last word of an earlier text
        (["xCAF", "CAFy"], False),  # in both, as a word in neither
        (["La CAFE", "Les CAF_x"], False),
        (["CAFÉ", "ÉCAF", "Une CAF."], True),  # found as a word at its third place only
        (["Lozère" + "CAF"], False),
        ([], False),
    ],
)
def test_a_key_is_mentioned_as_a_word_of_one_text(texts: list[str], mentioned: bool) -> None:
    assert _mentioned("CAF", _APART.join(texts)) is mentioned
