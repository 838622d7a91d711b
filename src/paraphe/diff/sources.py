"""Where the two sides of a diff come from: a manifest file, or a file at a git revision.

A side read from git is written to a temporary copy in the manifest's own folder,
so that annex paths, relative to the manifest, still resolve; annex files are then
compared by their content *at that revision*. Diagnostics on such a copy name it
`REV:path`, as git does.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from paraphe.diagnostics import Diagnostic, Location
from paraphe.diff.core import Change, FileDigest, diff_conventions, file_digest
from paraphe.errors import ManifestError, ParapheError
from paraphe.manifest.convention import load_convention
from paraphe.manifest.model import Convention
from paraphe.paths import display_path

GIT_TIMEOUT = 60


class GitError(ParapheError):
    """git could not give the version of a file asked for."""


@dataclass(frozen=True)
class Side:
    """One version of a convention: its model, how to name it, how to hash its annexes."""

    convention: Convention
    name: str
    digest: FileDigest = file_digest


def parse_rev(rev: str) -> tuple[str, str | None]:
    """`A..B` → (A, B); `A` → (A, None), the other side being the working file."""
    if ".." in rev:
        old, _, new = rev.partition("..")
        return old or "HEAD", new or "HEAD"
    return rev, None


def from_file(path: Path) -> Side:
    return Side(load_convention(path), display_path(path))


def from_git(path: Path, rev: str) -> Side:
    """The manifest `path` as it was at revision `rev`."""
    shown = display_path(path)
    folder = path.resolve().parent
    where = Location(shown)
    if not folder.is_dir():
        raise GitError.at(where, f"no such folder {display_path(folder)!r}", "git.path")
    content = _git_show(folder, rev, path.name, where)
    name = f"{rev}:{shown}"
    with _copy_beside(path, content) as copy:
        convention = _load_renamed(copy, name)
    return Side(convention, name, _git_digest(folder, rev))


def from_bytes(path: Path, content: bytes, name: str) -> Side:
    """A version of `path` given by its content (a blob git hands to a diff driver)."""
    with _copy_beside(path, content) as copy:
        return Side(_load_renamed(copy, name), name)


def compare(old: Side, new: Side) -> list[Change]:
    return diff_conventions(old.convention, new.convention, old_digest=old.digest, new_digest=new.digest)


@contextlib.contextmanager
def _copy_beside(path: Path, content: bytes) -> Iterator[Path]:
    """A temporary copy next to `path`: hidden, and not named *.yaml, so no folder scan picks it up."""
    folder = path.resolve().parent
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".paraphe-diff", dir=folder)
    except OSError as exc:
        raise ParapheError.at(
            Location(display_path(path)),
            f"cannot write a temporary copy beside the manifest: {exc.strerror}",
            "io.write",
        ) from None
    copy = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        yield copy
    finally:
        copy.unlink(missing_ok=True)


def _load_renamed(copy: Path, name: str) -> Convention:
    """Load a temporary copy; its diagnostics name the version it stands for."""
    try:
        return load_convention(copy)
    except ManifestError as exc:
        shown = display_path(copy)
        raise ManifestError(
            Diagnostic(
                Location(name, d.location.line, d.location.col) if d.location.file == shown else d.location,
                d.message,
                d.rule,
            )
            for d in exc.diagnostics
        ) from None


def _git(folder: Path, args: list[str], where: Location) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise GitError.at(where, "git is not installed", "git.missing") from None
    except subprocess.TimeoutExpired:
        raise GitError.at(where, f"git did not answer within {GIT_TIMEOUT} s", "git.timeout") from None


def _git_show(folder: Path, rev: str, relative: str, where: Location) -> bytes:
    if rev.startswith("-"):
        raise GitError.at(where, f"invalid revision {rev!r}", "git.rev")
    done = _git(folder, ["show", f"{rev}:./{relative}"], where)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = message[-1].removeprefix("fatal: ") if message else f"git exited with {done.returncode}"
        raise GitError.at(where, f"cannot read {relative!r} at revision {rev!r}: {reason}", "git.show")
    return done.stdout


def _git_digest(folder: Path, rev: str) -> FileDigest:
    """SHA-256 of an annex file as it was at `rev`; None if it did not exist then."""

    def digest(path: Path) -> str | None:
        try:
            relative = path.resolve().relative_to(folder).as_posix()
        except ValueError:
            return None
        done = _git(folder, ["show", f"{rev}:./{relative}"], Location(display_path(path)))
        if done.returncode != 0:
            return None
        return hashlib.sha256(done.stdout).hexdigest()

    return digest
