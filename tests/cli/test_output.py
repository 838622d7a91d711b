"""What every command prints: JSON for tools, -q, -v, shell completion, the pre-commit hook (issue 17, items 6, 8)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from paraphe.cli.main import cli
from support import MINIMAL, ROOT

BIN = Path(sys.executable).parent


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def paraphe() -> str:
    command = BIN / "paraphe"
    if not command.exists():
        pytest.skip("the paraphe command is not installed in this environment")
    return str(command)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m").mkdir()
    shutil.copy(MINIMAL, tmp_path / "m" / "good.yaml")
    return tmp_path


def test_build_speaks_json_and_only_json(folder: Path) -> None:
    bad = folder / "m" / "bad.yaml"
    bad.write_text(MINIMAL.read_text(encoding="utf-8").replace("status: final", "status: signed"), encoding="utf-8")
    # Refused at validation: LibreOffice never runs.
    result = run("build", "m/bad.yaml", "--out", "out", "--format", "json", env={"PARAPHE_SOFFICE": "/bin/false"})
    assert result.exit_code == 1
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert (report["ok"], report["built"], report["failed"], report["documents"]) == (False, 0, 1, [])
    [diagnostic] = report["diagnostics"]
    assert (diagnostic["file"], diagnostic["rule"]) == ("m/bad.yaml", "schema.enum")
    assert diagnostic["line"] > 0


def test_every_command_has_format_json() -> None:
    for command in ("validate", "build", "sign", "verify", "diff", "status", "new"):
        assert "--format" in run(command, "--help").stdout, command
    assert "--format" in run("templates", "check", "--help").stdout


def test_templates_check_json(folder: Path) -> None:
    result = run("templates", "check", str(ROOT / "templates" / "ctg.docx"), "--format", "json")
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert (report["kind"], report["ok"], report["diagnostics"]) == ("ctg", True, [])


def test_quiet_and_verbose(folder: Path, soffice: str) -> None:
    assert run("-q", "validate", "m").stdout == ""
    assert run("validate", "m").stdout == "1 manifest(s) valid\n"
    first = run("-q", "build", "m", "--out", "out", "-j", "1")
    assert first.exit_code == 0 and first.stdout == "" and first.stderr == ""
    normal = run("build", "m", "--out", "out")
    assert normal.stdout.startswith("reused out/m/good.pdf (")
    # -v says more than the normal lines: why the document was reused.
    verbose = subprocess.run(
        [paraphe(), "-v", "build", "m", "--out", "out"], capture_output=True, text=True, check=False, cwd=folder
    )
    assert verbose.returncode == 0
    assert "INFO: out/m/good.pdf is up to date: nothing it depends on changed" in verbose.stderr
    (folder / "m" / "good.yaml").write_text(
        (folder / "m" / "good.yaml").read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8"
    )
    rebuilt = subprocess.run(
        [paraphe(), "-v", "build", "m", "--out", "out", "-j", "1"],
        capture_output=True,
        text=True,
        check=False,
        cwd=folder,
    )
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "INFO: out/m/good.pdf is out of date: m/good.yaml changed" in rebuilt.stderr
    assert "INFO: converting 1 document(s) to PDF with LibreOffice" in rebuilt.stderr
    clash = run("-q", "-v", "validate", "m")
    assert clash.exit_code == 2 and "-v and -q" in clash.output


def test_shell_completion_as_documented() -> None:
    """click's completion: the script the README tells users to source, and a completed command name."""
    env = os.environ | {"_PARAPHE_COMPLETE": "bash_source"}
    script = subprocess.run([paraphe()], env=env, capture_output=True, text=True, check=True).stdout
    assert "_paraphe_completion" in script and "complete " in script
    env = os.environ | {"_PARAPHE_COMPLETE": "bash_complete", "COMP_WORDS": "paraphe sta", "COMP_CWORD": "1"}
    done = subprocess.run([paraphe()], env=env, capture_output=True, text=True, check=True).stdout
    assert done.split() == ["plain,status"]
    env |= {"COMP_WORDS": "paraphe new ", "COMP_CWORD": "2"}
    kinds = subprocess.run([paraphe()], env=env, capture_output=True, text=True, check=True).stdout
    assert kinds.split() == ["plain,sdsf", "plain,sdavs", "plain,ctg"]


def test_pre_commit_hook_validates_a_conventions_repository(tmp_path: Path) -> None:
    """The hook as pre-commit runs it: its entry and args, in the repository's top folder, paraphe on PATH."""
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "paraphe-validate" and hook["language"] == "python"
    assert hook["pass_filenames"] is False
    paraphe()
    repository = tmp_path / "repo"
    (repository / "conventions" / "cantal").mkdir(parents=True)
    shutil.copy(MINIMAL, repository / "conventions" / "cantal" / "sdsf.yaml")
    command = [*hook["entry"].split(), *hook["args"]]
    env = os.environ | {"PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    passed = subprocess.run(command, cwd=repository, env=env, capture_output=True, text=True, check=False)
    assert passed.returncode == 0, passed.stderr
    manifest = repository / "conventions" / "cantal" / "sdsf.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("kind: sdsf", "kind: memo"), encoding="utf-8")
    failed = subprocess.run(command, cwd=repository, env=env, capture_output=True, text=True, check=False)
    assert failed.returncode == 1
    assert "conventions/cantal/sdsf.yaml:" in failed.stderr and "[schema.enum]" in failed.stderr
