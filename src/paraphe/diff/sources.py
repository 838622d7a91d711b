"""Where the two sides of a diff come from: a manifest file, or a file at a git revision.

A version read from git, or handed over by git as a diff driver, is loaded from its
bytes: nothing is written beside the user's manifest. It is loaded as standing where the
manifest stands in the working tree, so validation resolves its annex paths and the
nearest `territories.yaml` there, as for the working file (an annex must exist in the
working tree for an old version naming it to validate); the annexes' *content* is then
compared as it was at the revision. Diagnostics on such a version name it `REV:path`, as
git does (`HEAD~1:conventions/lozere/sdsf.yaml:12:5: error: …`).
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from paraphe.diagnostics import Location
from paraphe.diff.change import Change, FileDigest, file_digest
from paraphe.diff.core import diff_conventions
from paraphe.errors import ParapheError
from paraphe.manifest.convention import load_convention, load_convention_bytes
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


# How a side is loaded from its bytes: paraphe's pipeline gives one that reads avenants too.
BytesLoader = Callable[..., Convention]


def from_file(path: Path, load: Callable[[Path], Convention] = load_convention) -> Side:
    return Side(load(path), display_path(path))


def from_git(path: Path, rev: str, load: BytesLoader = load_convention_bytes) -> Side:
    """The manifest `path` as it was at revision `rev`."""
    shown = display_path(path)
    folder = path.resolve().parent
    where = Location(shown)
    if not folder.is_dir():
        raise GitError.at(where, f"no such folder {display_path(folder)!r}", "git.path")
    content = _git_show(folder, rev, path.name, where)
    name = f"{rev}:{shown}"
    return Side(load(content, path=path, shown=name), name, _git_digest(folder, rev))


def git_show(path: Path, rev: str, where: Location) -> bytes:
    """The bytes of the file `path` at revision `rev` of its repository; a GitError located at `where`."""
    folder = path.resolve().parent
    if not folder.is_dir():
        raise GitError.at(where, f"no such folder {display_path(folder)!r}", "git.path")
    return _git_show(folder, rev, path.name, where)


def from_bytes(path: Path, content: bytes, name: str, load: BytesLoader = load_convention_bytes) -> Side:
    """A version of `path` given by its content (a blob git hands to a diff driver), named `name`."""
    return Side(load(content, path=path, shown=name), name)


def compare(old: Side, new: Side) -> list[Change]:
    return diff_conventions(old.convention, new.convention, old_digest=old.digest, new_digest=new.digest)


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
