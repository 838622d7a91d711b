"""An acronym or organisation counts as mentioned only as a word of one text, never across two; the rules see
every text of a manifest."""

from __future__ import annotations

from pathlib import Path

import pytest

from paraphe.manifest.load import load_manifest
from paraphe.manifest.rules.base import Manifest, strings
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


def _manifests() -> list[Path]:
    root = Path(__file__).resolve().parents[2]
    found = sorted((root / "conventions").rglob("*.yaml")) + sorted((root / "tests" / "manifests").rglob("*.yaml"))
    return [path for path in found if path.name not in ("policy.yaml", "territories.yaml")]


@pytest.mark.parametrize("path", _manifests(), ids=lambda path: path.name)
def test_the_texts_under_each_key_are_the_located_walk_s_in_its_order(path: Path) -> None:
    """The rules read every text without its place (`Manifest.texts`), and locate one only when something is
    wrong (`strings`): both walks must see the same texts in the same order, or a rule would miss one."""
    manifest = Manifest(load_manifest(path))
    located: dict[str, list[str]] = {}
    for pointer, text in strings(manifest.data):
        located.setdefault(str(pointer[0]), []).append(text)
    assert {key: texts for key, texts in manifest.texts.items() if texts} == located
    assert sum(map(len, located.values())) > 20
