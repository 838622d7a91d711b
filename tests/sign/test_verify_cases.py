"""Verification, one folder a case (tests/cases/verify/<case>/): the exact diagnostics, the exit code.

Each case starts from real builds of the minimal manifest (certified, signed by the préfète; a
draft), made once. Its `case.toml`:

    recipe = "flipped-byte"   # support/tamper.py: writes document.pdf (and what else the case needs)
    args = ["--complete"]     # after `paraphe verify document.pdf`; {root}, {other-root}, {manifest} replaced
    exit = 1

and its `expected.txt` holds the diagnostics, one a line, as printed (empty: nothing is wrong).
The JSON report carries the same problems with the same rules.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner

from paraphe.cli.main import cli
from support import CASES
from support.tamper import MOMENT, RECIPES, Documents, make_documents

VERIFY_CASES = sorted(p for p in (CASES / "verify").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Documents:
    with time_machine.travel(MOMENT, tick=True):
        return make_documents(tmp_path_factory.mktemp("documents"))


@pytest.fixture(autouse=True)
def frozen_time() -> Iterator[None]:
    """Certificates' dates and claimed signing times as printed, whatever the machine's clock says."""
    with time_machine.travel(MOMENT + dt.timedelta(hours=1), tick=True):  # an hour after the documents were signed
        yield


@pytest.mark.parametrize("case", VERIFY_CASES, ids=[c.name for c in VERIFY_CASES])
def test_verify_case(case: Path, documents: Documents, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tomllib.loads((case / "case.toml").read_text(encoding="utf-8"))
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    monkeypatch.chdir(tmp_path)  # recipes write into the working folder; diagnostics name document.pdf
    RECIPES[config["recipe"]](documents, tmp_path)
    args = ["verify", "document.pdf", *(_placed(a, documents) for a in config.get("args", []))]

    result = CliRunner().invoke(cli, args)
    assert "Traceback" not in result.output, result.output
    # How many bytes an attack appends depends on the document the build wrote (its templates, its
    # stamps): the count is shown, but not compared, so a change of template does not break the case.
    assert _sized(result.stderr.splitlines()) == _sized(expected), result.stderr
    assert result.exit_code == config.get("exit", 1), result.output

    as_json = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert as_json.exit_code == result.exit_code
    if as_json.stdout:  # a report: its problems, in the same order, with their rules
        problems = json.loads(as_json.stdout)["problems"]
        assert _sized([f"{p['file']}: {p['severity']}: {p['message']} [{p['rule']}]" for p in problems]) == _sized(
            expected
        )
    else:  # nothing could be verified: the error, as in text
        assert _sized(as_json.stderr.splitlines()) == _sized(expected)


def _sized(lines: list[str]) -> list[str]:
    return [re.sub(r"\b\d+ byte\(s\)", "N byte(s)", line) for line in lines]


def _placed(argument: str, documents: Documents) -> str:
    for placeholder, value in documents.placeholders().items():
        argument = argument.replace(placeholder, value)
    return argument


def test_every_recipe_has_a_case() -> None:
    used = {tomllib.loads((case / "case.toml").read_text(encoding="utf-8"))["recipe"] for case in VERIFY_CASES}
    assert used == set(RECIPES)
