"""Real conventions from other départements, encoded as written: each validates, builds, and reads as the original.

Each folder of tests/cases/real holds a manifest (its source and what it could not express in its
header) and phrases.txt: what a faithful PDF must contain, in the document's order, compared
without whitespace (line breaks, French spaces) and with « ’ » read as « ' ».
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from paraphe.cli.main import cli
from paraphe.pipeline import load_convention
from support import CASES

REAL = sorted(p for p in (CASES / "real").iterdir() if p.is_dir())


def phrases(case: Path) -> list[str]:
    lines = (case / "phrases.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def squeezed(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f\u00ad]+", "", text.replace("’", "'"))


def body_text(pdf: Path, footer: str) -> str:
    """The pages' text in reading order, without what every page repeats (footer, « PROJET », page numbers)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext is not installed (run `make setup`)")
    raw = subprocess.run([tool, "-raw", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True)
    kept = []
    for line in raw.stdout.splitlines():
        stripped = line.strip()
        if (
            re.fullmatch(r"[A-Z]|\d+ / \d+|Empreinte : \w+", stripped)
            or squeezed(stripped) == squeezed(footer)
            or "\f" in line
            and squeezed(line.replace("\f", "")) == squeezed(footer)
        ):
            continue
        kept.append(line)
    return squeezed("\n".join(kept))


@pytest.mark.parametrize("case", REAL, ids=[c.name for c in REAL])
def test_validates_as_written(case: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(case / "manifest.yaml")])
    assert result.exit_code == 0, result.output
    assert 15 <= len(phrases(case)) <= 20


@pytest.mark.parametrize("case", REAL, ids=[c.name for c in REAL])
def test_builds_and_holds_every_phrase_in_order(case: Path, tmp_path: Path, soffice: str) -> None:
    result = CliRunner().invoke(cli, ["build", str(case / "manifest.yaml"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [pdf] = tmp_path.rglob("*.pdf")
    c = load_convention(case / "manifest.yaml")
    text = body_text(pdf, f"{c.title} – {c.territory_label}")
    position = 0
    for phrase in phrases(case):
        found = text.find(squeezed(phrase), position)
        assert found >= 0, f"missing, or out of order: {phrase!r}"
        position = found
