"""The CLI maps errors to exit codes in one place: the codes the error classes carry, `main()` exits."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from paraphe.cli.main import cli
from paraphe.errors import ManifestError, OutputError, ParapheError, SigningError, UsageError
from support import ROOT

CLI_SOURCES = ROOT / "src" / "paraphe" / "cli"


def test_error_classes_carry_their_exit_code() -> None:
    assert ParapheError.exit_code == 1
    assert ManifestError.exit_code == SigningError.exit_code == OutputError.exit_code == 1
    assert UsageError.exit_code == 2


def test_only_main_leaves_the_process() -> None:
    exits = {
        path.name: len(re.findall(r"\bsys\.exit\(", path.read_text(encoding="utf-8")))
        for path in CLI_SOURCES.glob("*.py")
    }
    assert {name: count for name, count in exits.items() if count} == {"main.py": 1}


def test_a_missing_path_is_bad_usage(tmp_path: Path) -> None:
    for command in ("validate", "build"):
        result = CliRunner().invoke(cli, [command, str(tmp_path / "nowhere.yaml")])
        assert result.exit_code == 2, result.output
        assert result.stderr == f"{tmp_path / 'nowhere.yaml'}: error: no such file or folder [io.missing]\n"


def test_a_certification_key_that_does_not_open_is_a_bad_option_of_build(tmp_path: Path) -> None:
    key = tmp_path / "secretariat.p12"
    key.write_bytes(b"not a PKCS#12 file")
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--certify-pkcs12", str(key)])
    assert result.exit_code == 2, result.output
    assert "cannot open PKCS#12 file: wrong password, or not a PKCS#12 file [sign.credentials]" in result.stderr


def test_a_report_that_cannot_be_written_is_a_diagnostic(tmp_path: Path) -> None:
    """It used to escape as a traceback: the write error was raised outside diff's error handling."""
    lozere = ROOT / "conventions" / "lozere" / "sdsf-2020-2023.yaml"
    (tmp_path / "file").write_text("", encoding="utf-8")
    output = tmp_path / "file" / "report.md"  # its folder is a file
    result = CliRunner().invoke(cli, ["diff", str(lozere), str(lozere), "-o", str(output)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.startswith(f"{output}: error: cannot write report.md: ")
    assert result.stderr.endswith(" [io.write]\n")


def test_the_installed_entry_point_exits_with_the_same_codes(tmp_path: Path) -> None:
    """Through `main()` (not click's standalone mode): a returned code, an error's, a usage error's."""

    def paraphe(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", "from paraphe.cli.main import main; main()", *args]
        return subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp_path)

    invalid = tmp_path / "invalid.yaml"
    invalid.write_text("kind: sdsf\n", encoding="utf-8")
    assert paraphe("validate", str(invalid)).returncode == 1
    missing = paraphe("validate", "nowhere.yaml")
    assert (missing.returncode, missing.stderr) == (2, "nowhere.yaml: error: no such file or folder [io.missing]\n")
    assert paraphe("verify", str(invalid)).returncode == 1  # not a PDF: a failed job
    assert paraphe("verify").returncode == 2  # click's own usage error
    assert paraphe("--version").returncode == 0


def test_a_folder_without_manifests_builds_nothing_else(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default folder stands only for no path at all: an empty folder named by the user is not conventions/."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "conventions" / "t").mkdir(parents=True)
    (tmp_path / "conventions" / "t" / "bad.yaml").write_text("id: [\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    built = CliRunner().invoke(cli, ["build", "empty", "--out", "out"])
    assert built.exit_code == 0, built.output
    assert built.stdout.startswith("0 built, 0 reused, 0 failed")
    assert "bad.yaml" not in built.output
    validated = CliRunner().invoke(cli, ["validate", "empty"])
    assert "bad.yaml" not in validated.output
