"""Where paraphe finds what it ships: the manifest's JSON Schema and the default Word templates.

Both are package data (`paraphe/data/`), read through importlib.resources: an installed wheel
carries its own, and a checkout's `schemas/` and `templates/` are only links to them.
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import tempfile
from functools import cache, lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

_DATA = files("paraphe") / "data"
# A Traversable, not a Path: read it with `.read_text()`, it may live in a zip.
SCHEMA_PATH: Traversable = _DATA / "convention.schema.json"
# The format of a département's territories.yaml (see paraphe.manifest.territories).
TERRITORIES_SCHEMA_PATH: Traversable = _DATA / "territories.schema.json"
# An avenant's manifest (kind: avenant) has its own schema: it names a convention rather than being one.
AVENANT_SCHEMA_PATH: Traversable = _DATA / "avenant.schema.json"
# The national signatory requirements of each kind of convention (see paraphe.manifest.policy).
POLICY_PATH: Traversable = _DATA / "policy.yaml"


def templates_folder() -> Path:
    """The default templates, or the folder named by $PARAPHE_TEMPLATES (a secretariat's own templates)."""
    folder = os.environ.get("PARAPHE_TEMPLATES")
    return Path(folder) if folder else default_templates()


TEMPLATES_FOLDER = "templates"


def template_path(kind: str, manifest: Path | None = None) -> Path:
    """The Word template of a kind of convention, for a manifest: the first of

    1. `templates/<kind>.docx` in the manifest's folder, then in each folder above it, up to and
       including `conventions/` (or the repository's root): a département's or a territory's own;
    2. `<kind>.docx` in the folder `$PARAPHE_TEMPLATES` names, when it is set;
    3. paraphe's own template of that kind.

    Each file overrides on its own: a département's folder without `ctg.docx` leaves its CTGs to
    the next folder. A `$PARAPHE_TEMPLATES` folder replaces paraphe's: a kind missing there is missing.
    """
    if manifest is not None:
        for candidate in template_candidates(kind, manifest):
            if trusted_file(candidate, candidate.parent.parent):
                return candidate
    return templates_folder() / f"{kind}.docx"


def template_candidates(kind: str, manifest: Path) -> list[Path]:
    """Where a manifest's own template of `kind` may be, nearest first (step 1 of `template_path`)."""
    found = []
    default = default_templates().resolve()
    for candidate in lookup_folders(manifest):
        templates = candidate / TEMPLATES_FOLDER
        # A checkout's own templates/ is a link to paraphe's: not a département's, $PARAPHE_TEMPLATES goes first.
        if templates.resolve() != default:
            found.append(templates / f"{kind}.docx")
    return found


def specimen_path(name: str) -> Path:
    """A specimen manifest (`data/specimens/<name>.yaml`): every part of a kind filled, to know its context's shape."""
    return specimens_folder() / f"{name}.yaml"


@cache
def specimens_folder() -> Path:
    return on_disk(_DATA / "specimens")


@cache
def default_templates() -> Path:
    """The folder of the templates paraphe ships: docxtpl opens a template by its path, so it must be on disk."""
    return on_disk(_DATA / "templates")


def on_disk(folder: Traversable) -> Path:
    """`folder` itself when it is a real folder (any ordinary install), else a copy of its files.

    The copy is for a paraphe imported from a zip (never what pip installs): it lasts as long as the
    process, so the build record of what it built names a folder that will be gone, and a later
    build with the same templates rebuilds rather than reuses.
    """
    if isinstance(folder, Path):
        return folder
    copy = Path(tempfile.mkdtemp(prefix="paraphe-templates-"))
    atexit.register(shutil.rmtree, copy, ignore_errors=True)
    for entry in folder.iterdir():
        if entry.is_file():
            (copy / entry.name).write_bytes(entry.read_bytes())
    return copy


def lookup_folders(manifest: Path) -> list[Path]:
    """Where a manifest's shared files (policy.yaml, territories.yaml, templates/) are looked for,
    nearest first: its folder and those above, up to the first `conventions/` folder, repository or
    the user's home folder. What is found there is read only if `trusted_file` says so."""
    folder = manifest.resolve().parent
    home = _home()
    found = []
    for candidate in (folder, *folder.parents):
        found.append(candidate)
        if candidate.name == "conventions" or (candidate / ".git").exists() or candidate == home:
            break
    return found


def trusted_file(path: Path, folder: Path) -> bool:
    """Whether `path`, found under the lookup folder `folder`, is a file paraphe may take as the
    département's own: the user's or root's, or someone else's in folders nobody else may write to.

    The attack it stops: a policy.yaml, territories.yaml or templates/sdsf.docx planted by another
    user in /tmp or a shared drop folder above a manifest, which would loosen what the manifest
    must say or change what it prints. A shared drive whose folders all look writable (a CIFS
    mount) still serves the user's own files.
    """
    try:
        owner = path.lstat().st_uid  # a link planted by another user is theirs, wherever it points
    except OSError:
        return False
    if not path.is_file():
        return False
    if owner in (os.geteuid(), 0):
        return True
    return not any(
        _writable_by_anyone(f) for f in (path.parent, *path.parent.parents) if f == folder or folder in f.parents
    )


def _home() -> Path | None:
    try:
        return _resolved_home(str(Path.home()))
    except (RuntimeError, KeyError, OSError):  # no $HOME and no password entry
        return None


@lru_cache(maxsize=8)
def _resolved_home(home: str) -> Path:
    """The home folder resolved, by its name: looked up for every shared file of every manifest."""
    return Path(home).resolve()


def _writable_by_anyone(folder: Path) -> bool:
    try:
        return bool(folder.stat().st_mode & stat.S_IWOTH)
    except OSError:
        return True  # what cannot be read is not trusted either
