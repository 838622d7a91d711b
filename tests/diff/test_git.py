"""`paraphe diff --rev` and the git diff driver: versions read from git, nothing written beside the manifest."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from support.diffing import CALENDAR_LINE, axis, lozere, pdf, run, with_annex, write

# ---------------------------------------------------------------------- git


def git(repo: Path, *args: str) -> str:
    return git_run(repo, *args).stdout


def git_run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(repo.parent),
    }
    return subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding the Lozère SDSF with a PDF annex, two commits deep."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    folder = root / "conventions" / "lozere"
    data = lozere()
    with_annex(data)
    write(folder / "sdsf.yaml", data)
    (folder / "annexes").mkdir()
    (folder / "annexes" / "deliberation.pdf").write_bytes(pdf(1))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "v1")
    axis(data, 0, 1)[5]["calendar"] = 2022
    write(folder / "sdsf.yaml", data)
    (folder / "annexes" / "deliberation.pdf").write_bytes(pdf(2))
    git(root, "commit", "-q", "-am", "v2")
    monkeypatch.chdir(root)
    return root


MANIFEST = "conventions/lozere/sdsf.yaml"


def test_rev_compares_with_a_revision(repo: Path) -> None:
    folder = repo / "conventions" / "lozere"
    assert run(MANIFEST, "--rev", "HEAD").exit_code == 0  # the working file is HEAD's
    result = run(MANIFEST, "--rev", "HEAD~1", "--format", "json")
    assert result.exit_code == 1, result.output
    assert [(c["op"], c["path"], c["field"]) for c in json.loads(result.stdout)] == [
        ("changed", "Petite enfance › Axe 1 › Action 6", "calendar"),
        ("changed", "Annexes › Délibération du conseil départemental", "content"),  # the PDF as it was at HEAD~1
    ]
    assert sorted(p.name for p in folder.iterdir()) == ["annexes", "sdsf.yaml"]  # the temporary copy is gone


def test_rev_range(repo: Path) -> None:
    result = run(MANIFEST, "--rev", "HEAD~1..HEAD")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == CALENDAR_LINE
    assert run(MANIFEST, "--rev", "HEAD..HEAD").exit_code == 0


def test_rev_errors_are_located(repo: Path) -> None:
    unknown = run(MANIFEST, "--rev", "nosuchrev")
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith(f"{MANIFEST}: error: cannot read 'sdsf.yaml' at revision 'nosuchrev'")
    assert unknown.stderr.rstrip().endswith("[git.show]")

    data = yaml.safe_load((repo / MANIFEST).read_text(encoding="utf-8"))
    data["signature"]["date"] = "2020-02-30"
    write(repo / MANIFEST, data)
    git(repo, "commit", "-q", "-am", "broken")
    broken = run(MANIFEST, "--rev", "HEAD..HEAD~1")
    assert broken.exit_code == 2
    assert broken.stderr.startswith(f"HEAD:{MANIFEST}:")
    assert broken.stderr.rstrip().endswith("error: '2020-02-30' is not a date of the calendar [date.invalid]")
    assert "Traceback" not in broken.output


# Paths written under a watched folder, seen by an audit hook: it sees a temporary file created and
# removed within the run, which listing the folder before and after cannot.
_WATCHED: list[tuple[Path, list[str]]] = []
_HOOKED = False
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_WRITE_EVENTS = {"os.remove", "os.rename", "os.mkdir", "os.rmdir", "os.symlink", "os.link", "os.truncate"}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _WATCHED:
        return
    if event == "open":
        path, mode, flags = args
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        paths = [path] if writing else []
    elif event in _WRITE_EVENTS:
        paths = list(args)
    else:
        return
    for folder, seen in _WATCHED:
        for path in paths:
            if isinstance(path, str | Path) and Path(os.path.abspath(path)).is_relative_to(folder):
                seen.append(f"{event} {path}")


def tree(folder: Path) -> list[tuple[str, int]]:
    """Every entry under `folder`, hidden ones included, with its modification time."""
    return sorted((str(p.relative_to(folder)), p.stat().st_mtime_ns) for p in [folder, *folder.rglob("*")])


def writes_under(folder: Path, action: Callable[[], Result]) -> tuple[Result, list[str]]:
    """What `action` wrote under `folder`, in this process (the CLI runs in it)."""
    global _HOOKED
    if not _HOOKED:  # a hook stays for the process's life: added once, and only by tests that need it
        sys.addaudithook(_audit)
        _HOOKED = True
    seen: list[str] = []
    _WATCHED.append((folder.resolve(), seen))
    try:
        return action(), seen
    finally:
        _WATCHED.pop()


def test_rev_writes_nothing_beside_the_manifest(repo: Path, tmp_path: Path) -> None:
    folder = repo / "conventions" / "lozere"
    before = tree(folder)
    for rev in ("HEAD~1", "HEAD~1..HEAD"):
        result, written = writes_under(folder, lambda rev=rev: run(MANIFEST, "--rev", rev))
        assert result.exit_code == 1, result.output
        assert written == []
    # As git's diff driver: the two versions come as files elsewhere, the path names the manifest.
    blobs = tmp_path / "blobs"
    blobs.mkdir()
    (blobs / "old").write_bytes(
        subprocess.run(["git", "-C", str(repo), "show", f"HEAD~1:{MANIFEST}"], capture_output=True, check=True).stdout
    )
    (blobs / "new").write_bytes((repo / MANIFEST).read_bytes())
    args = [MANIFEST, str(blobs / "old"), "0" * 40, "100644", str(blobs / "new"), "0" * 40, "100644"]
    result, written = writes_under(folder, lambda: run("--git-external", *args))
    assert CALENDAR_LINE in result.stdout
    assert written == []
    assert tree(folder) == before


def test_rev_diagnostics_on_an_invalid_old_version_are_located(repo: Path) -> None:
    """A version that does not validate is named as git names it, at the line and column of the problem."""
    good = (repo / MANIFEST).read_text(encoding="utf-8")
    bad_date = good.replace("date: '2020-10-09'", "date: '2020-02-30'")
    assert bad_date != good
    (repo / MANIFEST).write_text(bad_date, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "a date that does not exist")
    duplicate = good + "kind: sdsf\n"
    (repo / MANIFEST).write_text(duplicate, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "a key twice")
    (repo / MANIFEST).write_text(good, encoding="utf-8")  # the working file is valid: only the old side fails

    line = bad_date.splitlines().index("  date: '2020-02-30'") + 1
    result = run(MANIFEST, "--rev", "HEAD~1")
    assert result.exit_code == 2
    assert result.stderr == (
        f"HEAD~1:{MANIFEST}:{line}:9: error: '2020-02-30' is not a date of the calendar [date.invalid]\n"
    )
    last = len(duplicate.splitlines())
    first = good.splitlines().index("kind: sdsf") + 1
    result = run(MANIFEST, "--rev", "HEAD")
    assert result.exit_code == 2
    assert result.stderr == (
        f"HEAD:{MANIFEST}:{last}:1: error: duplicate key 'kind' (first defined at line {first}) [yaml.duplicate-key]\n"
    )
    assert sorted(p.name for p in (repo / "conventions" / "lozere").iterdir()) == ["annexes", "sdsf.yaml"]


def paraphe_command() -> str:
    command = Path(sys.executable).with_name("paraphe")
    if not command.exists():
        pytest.skip("the paraphe command is not installed in this environment")
    return str(command)


def test_git_diff_driver(repo: Path) -> None:
    """The gitattributes set-up documented in the README, with a real `git diff`."""
    (repo / ".gitattributes").write_text("conventions/**/*.yaml diff=paraphe\n", encoding="utf-8")
    git(repo, "config", "diff.paraphe.command", f"{paraphe_command()} diff --git-external")
    data = yaml.safe_load((repo / MANIFEST).read_text(encoding="utf-8"))
    data["signature"]["place"] = "Marvejols"
    write(repo / MANIFEST, data)

    assert git(repo, "diff").splitlines() == [
        f"paraphe diff a/{MANIFEST} b/{MANIFEST}",
        "~ Signature : lieu Mende → Marvejols",
        "1 modification.",
    ]
    history = git(repo, "log", "-p", "--ext-diff", "--format=%s", "-1", "HEAD")
    assert CALENDAR_LINE in history

    # A manifest being written that does not validate: its diagnostics, then the lines.
    (repo / MANIFEST).write_text((repo / MANIFEST).read_text(encoding="utf-8") + "unknown: 1\n", encoding="utf-8")
    shown = git_run(repo, "diff")
    assert "+unknown: 1" in shown.stdout
    assert f"b/{MANIFEST}:" in shown.stderr and "unknown field 'unknown'" in shown.stderr


def test_git_diff_driver_leaves_other_yaml_and_new_files_to_lines(repo: Path) -> None:
    (repo / ".gitattributes").write_text("conventions/**/*.yaml diff=paraphe\n", encoding="utf-8")
    git(repo, "config", "diff.paraphe.command", f"{paraphe_command()} diff --git-external")
    listing = repo / "conventions" / "lozere" / "territories.yaml"
    listing.write_text("departement: Lozère\nterritories: [Mende]\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "territories")
    listing.write_text("departement: Lozère\nterritories: [Mende, Marvejols]\n", encoding="utf-8")
    shown = git_run(repo, "diff")
    assert "-territories: [Mende]\n+territories: [Mende, Marvejols]\n" in shown.stdout
    assert shown.stderr == ""

    shown = git_run(repo, "show", "--ext-diff", "--format=", "HEAD")  # the commit that added the file
    assert "+territories: [Mende]" in shown.stdout
    assert shown.stderr == ""
