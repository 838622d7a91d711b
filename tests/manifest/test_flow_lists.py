"""Lists of prose in brackets are refused where they are; lists of ids and keys keep them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from paraphe.manifest.load import load_manifest_bytes
from paraphe.manifest.prose_lists import flow_prose_lists, holds_prose
from support import ROOT

SCHEMA = json.loads((ROOT / "schemas" / "convention.schema.json").read_text(encoding="utf-8"))

PROSE = [
    ("visas",),
    ("preamble",),
    ("parties", 0, "commitments"),
    ("plan", "stakes", 0, "means"),
    ("sections", 0, "text"),
    ("sections", 0, "sections", 1, "actions", 2, "results"),
    ("sections", 0, "orientations", "items"),
    ("sections", 0, "orientations", "items", 0, "items"),
]
TOKENS = [
    ("sections", 0, "actions", 0, "actors"),
    ("sections", 0, "actions", 0, "markers"),
    ("sections", 0, "legend"),
    ("parties", 0, "org"),
    ("parties", 0, "signatories"),
]


@pytest.mark.parametrize("pointer", PROSE, ids=[".".join(map(str, p)) for p in PROSE])
def test_lists_of_prose(pointer: tuple[str | int, ...]) -> None:
    assert holds_prose(SCHEMA, pointer)


@pytest.mark.parametrize("pointer", TOKENS, ids=[".".join(map(str, p)) for p in TOKENS])
def test_lists_of_tokens(pointer: tuple[str | int, ...]) -> None:
    assert not holds_prose(SCHEMA, pointer)


def test_the_split_visa_is_refused_at_its_bracket() -> None:
    text = "visas: [le code de l'action sociale, notamment ses articles L. 214-1]\nperiod: {start: 2020, end: 2023}\n"
    loaded = load_manifest_bytes(text.encode(), path=Path("m.yaml"), shown="m.yaml")
    assert loaded.data["visas"] == ["le code de l'action sociale", "notamment ses articles L. 214-1"]
    [problem] = flow_prose_lists(loaded.source, SCHEMA)
    assert (str(problem.location), problem.rule) == ("m.yaml:1:8", "yaml.flow-list")


def test_the_readme_writes_its_examples_in_block_style() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)
    assert len(examples) >= 3
    for example in examples:
        loaded = load_manifest_bytes(example.encode(), path=Path("README.md"), shown="README.md")
        assert list(flow_prose_lists(loaded.source, SCHEMA)) == [], example
