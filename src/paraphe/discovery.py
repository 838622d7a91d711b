"""Finding the manifests a command names, and what a run of several says about them together.

Files, or folders searched recursively for YAML manifests (shared data — the territories list,
the signatory policy — is not one). Several manifests of one run may clash: two that declare
the same convention id could pass for each other in their PDFs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from paraphe.diagnostics import Diagnostic, Location
from paraphe.errors import UsageError
from paraphe.i18n import _
from paraphe.manifest.load import MAX_MANIFEST_BYTES
from paraphe.manifest.policy import POLICY_FILE
from paraphe.manifest.territories import TERRITORIES_FILE
from paraphe.paths import display_path

MANIFEST_SUFFIXES = (".yaml", ".yml")


def is_manifest_name(path: Path) -> bool:
    """A YAML file found while searching a folder that is not shared data (territories list, signatory policy)."""
    return path.suffix in MANIFEST_SUFFIXES and path.name not in (TERRITORIES_FILE, POLICY_FILE)


def discover(paths: Sequence[Path]) -> list[Path]:
    """Manifests named by `paths` (files, or folders searched recursively), in a stable order.

    No path, no manifest: the command line gives the default folder when the user names none.
    A file reached under several names (a link, the same path twice) is one manifest, under the
    first name met. A folder that cannot be listed is refused (io.folder): its manifests would
    otherwise be left out in silence.
    """
    found: list[Path] = []
    unreadable: list[Diagnostic] = []
    for path in paths:
        if path.is_dir():
            found.extend(_manifests_under(path, unreadable))
        elif path.is_file():
            found.append(path)
        elif path.exists():
            # A FIFO or a device would block the build's first read: refused before anything starts.
            raise UsageError.at(Location(str(path)), _("not a regular file"), "io.not-file")
        else:
            raise UsageError.at(Location(str(path)), _("no such file or folder"), "io.missing")
    if unreadable:
        raise UsageError(unreadable)
    return _distinct(found)


def _manifests_under(folder: Path, unreadable: list[Diagnostic]) -> list[Path]:
    """Manifests in `folder` and below (links to folders not followed, as rglob does); each folder
    that cannot be listed is noted in `unreadable`."""
    found: list[Path] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = _entries(current)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            unreadable.append(
                Diagnostic(Location(str(current)), _("cannot list this folder: {reason}", reason=reason), "io.folder")
            )
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                pending.append(path)
            elif is_manifest_name(path) and entry.is_file():
                found.append(path)
    return sorted(found)


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as listing:
        return list(listing)


def _distinct(found: list[Path]) -> list[Path]:
    kept: list[Path] = []
    seen: set[object] = set()
    for path in found:
        try:
            info = path.stat()
            key: object = (info.st_dev, info.st_ino)
        except OSError:
            key = path  # reported when it is read
        if key not in seen:
            seen.add(key)
            kept.append(path)
    return kept


def same_ids(declared: Iterable[tuple[Path, str, Location]]) -> dict[Path, Diagnostic]:
    """Manifests of one run that declare the same convention id, each with the warning that says so.

    The id names the convention in its PDF's identifier and build record, which `verify` and
    `sign` read: two conventions under one id could pass for each other. A draft and its final
    version may share it on purpose (their identifiers differ by status): a warning, an error
    with --strict.
    """
    by_id: dict[str, list[tuple[Path, Location]]] = {}
    for path, convention_id, where in declared:
        by_id.setdefault(convention_id, []).append((path, where))
    clashes: dict[Path, Diagnostic] = {}
    for convention_id, holders in by_id.items():
        for path, where in holders if len(holders) > 1 else ():
            others = ", ".join(display_path(p) for p, _ in holders if p != path)
            clashes[path] = Diagnostic(
                where,
                _(
                    "convention id {id!r} is also the id of {others}; unless one is a version of the other, "
                    "give each its own",
                    id=convention_id,
                    others=others,
                ),
                "id.convention",
            )
    return clashes


# The top-level `id:` as a build finds it without parsing: a key at the start of a line can only be
# top-level (nested keys are indented; block text too). What validation parses, the build scans.
_ID_LINE = re.compile(rb"^id:[ \t]+([\"']?[\w.-]+)", re.MULTILINE)


def declared_id(manifest: Path) -> tuple[Path, str, Location] | None:
    try:
        with manifest.open("rb") as handle:
            head = handle.read(MAX_MANIFEST_BYTES)  # a larger one is refused when the build loads it
    except OSError:
        return None  # reported when the build reads it
    found = _ID_LINE.search(head)
    if found is None:
        return None
    line = head.count(b"\n", 0, found.start()) + 1
    col = len(found.group().decode("utf-8", "replace")) - len(found.group(1).decode("utf-8", "replace")) + 1
    return manifest, found.group(1).decode("utf-8", "replace").strip("\"'"), Location(display_path(manifest), line, col)
