"""Invalid manifests, one folder each: the exact diagnostics, exit code 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from paraphe.cli.main import cli
from support import CASES, TESTS

INVALID = sorted((CASES / "invalid").iterdir())


@pytest.mark.parametrize("case", INVALID, ids=[c.name for c in INVALID])
def test_invalid_case(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case)
    result = CliRunner().invoke(cli, ["validate", "manifest.yaml"])
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    lines = [line for line in result.stderr.splitlines() if "manifest(s) invalid" not in line]
    assert lines == expected
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_valid_manifest_exits_0() -> None:
    minimal = TESTS / "manifests" / "minimal"
    result = CliRunner().invoke(cli, ["validate", str(minimal)])
    assert result.exit_code == 0, result.output
    assert "1 manifest(s) valid" in result.output


def test_json_format_lists_every_diagnostic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES / "invalid" / "several-at-once")
    result = CliRunner().invoke(cli, ["validate", "--format", "json", "manifest.yaml"])
    assert result.exit_code == 1
    [report] = json.loads(result.stdout)
    assert report["valid"] is False
    assert [(d["line"], d["rule"]) for d in report["diagnostics"]] == [
        (60, "ref.organisation"),
        (66, "calendar.period"),
        (70, "id.unique"),
        (70, "ref.organisation"),
    ]


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr
    assert CliRunner().invoke(cli, ["validate", "--format", "xml"]).exit_code == 2


WARNINGS = sorted((CASES / "warnings").iterdir())


@pytest.mark.parametrize("case", WARNINGS, ids=[c.name for c in WARNINGS])
def test_warnings_are_shown_and_strict_makes_them_errors(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case)
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    lenient = CliRunner().invoke(cli, ["validate", "manifest.yaml"])
    assert lenient.stderr.splitlines() == expected
    assert lenient.exit_code == 0
    assert lenient.stdout == f"1 manifest(s) valid, {len(expected)} warning(s)\n"
    strict = CliRunner().invoke(cli, ["validate", "--strict", "manifest.yaml"])
    assert strict.stderr.splitlines() == [
        *expected,
        f"1 of 1 manifest(s) invalid, 0 error(s), {len(expected)} warning(s) (errors with --strict)",
    ]
    assert strict.exit_code == 1
    [report] = json.loads(CliRunner().invoke(cli, ["validate", "--format", "json", "manifest.yaml"]).stdout)
    assert report["valid"] is True
    assert {d["severity"] for d in report["diagnostics"]} == {"warning"}


def test_an_acronym_printed_only_in_a_marker_label_is_used(tmp_path: Path) -> None:
    """The Lozère CTG's « agrément AVS » lives in a marker's label only: it prints, so it is a use."""
    case = CASES / "warnings" / "unused-declarations"
    text = (case / "manifest.yaml").read_text(encoding="utf-8")
    text = text.replace("label: Pouvant être porté par un agrément AVS", "label: Pouvant être porté par un LAEP")
    text = text.replace(
        "            calendar: 2020-2023\n", "            calendar: 2020-2023\n            markers: [avs]\n"
    )
    (tmp_path / "manifest.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "manifest.yaml")])
    assert [line.rsplit("[", 1)[-1] for line in result.stderr.splitlines()] == ["unused.organisation]"]
