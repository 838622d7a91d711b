"""The git diff driver in a département's own conventions repository, set up as the README says
(issue 17, item 9): paraphe installed elsewhere and on PATH, `.gitattributes` in that repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from paraphe.cli.main import cli

BIN = Path(sys.executable).parent


def git(repo: Path, *args: str, cwd: Path | None = None) -> str:
    env = os.environ | {
        "GIT_AUTHOR_NAME": "Secrétariat",
        "GIT_AUTHOR_EMAIL": "sdsf@example.org",
        "GIT_COMMITTER_NAME": "Secrétariat",
        "GIT_COMMITTER_EMAIL": "sdsf@example.org",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(repo.parent),
        # paraphe as a secretariat installs it (pipx, pip): a command on PATH, not a path into a checkout.
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    done = subprocess.run(["git", *args], cwd=cwd or repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def test_driver_in_a_separate_conventions_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("git") is None or not (BIN / "paraphe").exists():
        pytest.skip("git or the paraphe command is missing")
    repo = tmp_path / "conventions-cantal"
    folder = repo / "conventions" / "cantal"
    folder.mkdir(parents=True)
    (folder / "territories.yaml").write_text("departement: Cantal\nterritories:\n  - Pays de Salers\n", "utf-8")
    git(repo, "init", "-q", "-b", "main")
    monkeypatch.chdir(repo)
    manifest = "conventions/cantal/ctg-salers-2025.yaml"
    assert CliRunner().invoke(cli, ["new", "ctg", manifest, "--territory", "Pays de Salers"]).exit_code == 0
    # The README's three steps: the attributes (committed), the command (once per clone).
    (repo / ".gitattributes").write_text("*.yaml diff=paraphe\n", encoding="utf-8")
    git(repo, "config", "diff.paraphe.command", "paraphe diff --git-external")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "CTG Pays de Salers")

    text = (repo / manifest).read_text(encoding="utf-8")
    (repo / manifest).write_text(text.replace('place: "[à compléter]"', "place: Salers"), encoding="utf-8")
    (folder / "territories.yaml").write_text(
        "departement: Cantal\nterritories:\n  - Pays de Salers\n  - Pays Gentiane\n", "utf-8"
    )
    # From a sub-folder too: git runs the driver from the top of the working tree.
    shown = git(repo, "diff", cwd=folder).splitlines()
    assert shown[:3] == [
        f"paraphe diff a/{manifest} b/{manifest}",
        "~ Signature : lieu « [à compléter] » → Salers",
        "1 modification.",
    ]
    # The territories list is no manifest: git's lines.
    assert "+  - Pays Gentiane" in shown
