"""Incremental builds: reuse an output when nothing it depends on has changed.

For each document the build keeps, under `<out>/.paraphe/`, the content hashes of
what it read (manifest, template, annex files, shared data), of the tool that built
it, of the options that shape it (the certification key), and of what it wrote. A
later build compares hashes only: no YAML parsing, no conversion, when all match.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from paraphe import __version__
from paraphe.fsutil import atomic_write_bytes, sha256_file, write_error
from paraphe.paths import display_path

log = logging.getLogger(__name__)

CACHE_FOLDER = ".paraphe"
# The digest recorded for a file the build looked for and did not find (a nearer template): fresh while absent.
ABSENT = "absent"
# Libraries whose version changes the bytes of an output.
_SHAPING_LIBRARIES = ("docxtpl", "python-docx", "Jinja2", "pypdf", "pyHanko", "lxml")


@dataclass(frozen=True)
class Fingerprints:
    """What one output depends on and what it is; equal fingerprints mean the output can be reused."""

    tool: str
    options: str
    inputs: Mapping[str, str]
    outputs: Mapping[str, str]
    meta: Mapping[str, object]  # what the build reports of a reused output (pages, fingerprint…)

    def to_json(self) -> bytes:
        data = {
            "tool": self.tool,
            "options": self.options,
            "inputs": dict(self.inputs),
            "outputs": dict(self.outputs),
            "meta": dict(self.meta),
        }
        return json.dumps(data, indent=1, sort_keys=True).encode()


@cache
def tool_identity() -> str:
    """paraphe's own code and schema, the libraries that shape outputs, and the LibreOffice executable."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    # The code, the schema, the policy and the specimens (package data): a schema that accepts less must not
    # reuse what it now refuses.
    # The templates are not hashed here: each output records the one it was filled from.
    for name in _package_files(package):
        digest.update(name.encode())
        digest.update((package / name).read_bytes())
    for library in _SHAPING_LIBRARIES:
        try:
            digest.update(f"{library}=={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library} absent".encode())
    soffice = os.environ.get("PARAPHE_SOFFICE") or shutil.which("soffice") or ""
    if soffice:
        resolved = Path(soffice).resolve()
        stat = resolved.stat() if resolved.exists() else None
        digest.update(f"{resolved}:{stat.st_size if stat else 0}:{stat.st_mtime_ns if stat else 0}".encode())
    return digest.hexdigest()


def _package_files(package: Path) -> list[str]:
    """The package's code and data (.py, .json, .yaml) by path within it, sorted; its bytecode caches are
    not walked (a `rglob` through them was three quarters of the identity's time)."""
    found = []
    for folder, subfolders, files in os.walk(package):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        within = Path(folder).relative_to(package)
        found += [(within / name).as_posix() for name in files if name.endswith((".py", ".json", ".yaml"))]
    return sorted(found)


def cache_path(out: Path, stem: Path) -> Path:
    """`<out>/X/Y` → `<out>/.paraphe/X/Y.json`."""
    return out / CACHE_FOLDER / stem.relative_to(out).with_suffix(".json")


def is_fresh(out: Path, stem: Path, manifest: Path, options: str | None, outputs: Iterable[Path]) -> bool:
    """Whether `manifest`, every input, the tool, the options and the outputs are what the last build recorded.

    The manifest must be one of the recorded inputs: two manifests can map to the same output.
    `options` None: whatever options the last build had (`paraphe status` knows none of them).
    """
    stale = _staleness(out, stem, manifest, options, outputs)
    shown = display_path(stem.with_suffix(".pdf"))
    if stale:
        log.info("%s is out of date: %s", shown, stale)
    else:
        log.info("%s is up to date: nothing it depends on changed", shown)
    return not stale


def _staleness(out: Path, stem: Path, manifest: Path, options: str | None, outputs: Iterable[Path]) -> str:
    """Why the output must be rebuilt, in words; "" when it need not."""
    try:
        recorded = json.loads(cache_path(out, stem).read_bytes())
        if recorded["tool"] != tool_identity():
            return "paraphe, its libraries or LibreOffice changed since it was built"
        if options not in (None, recorded["options"]):
            return "built with other options (certification key, converter or templates folder)"
        if str(manifest.resolve()) not in recorded["inputs"]:
            return f"it was last built from another manifest than {display_path(manifest)}"
        for name, digest in recorded["inputs"].items():
            if digest == ABSENT:
                if os.path.lexists(name):
                    return f"{display_path(Path(name))} appeared (a nearer template)"
            elif sha256_file(Path(name)) != digest:
                return f"{display_path(Path(name))} changed"
        for output in outputs:
            if sha256_file(output) != recorded["outputs"][output.suffix]:
                return f"{display_path(output)} was changed after the build"
    except FileNotFoundError as exc:
        return f"{display_path(Path(str(exc.filename)))} is missing"
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"its build record cannot be read ({type(exc).__name__})"
    return ""


def remember(
    out: Path,
    stem: Path,
    options: str,
    inputs: Mapping[str, str],
    outputs: Iterable[Path],
    meta: Mapping[str, object],
) -> None:
    record = Fingerprints(tool_identity(), options, inputs, {o.suffix: sha256_file(o) for o in outputs}, meta)
    atomic_write_bytes(cache_path(out, stem), record.to_json())


def read_meta(out: Path, stem: Path) -> dict[str, object]:
    try:
        meta = json.loads(cache_path(out, stem).read_bytes()).get("meta", {})
    except (OSError, ValueError, AttributeError):
        return {}
    return meta if isinstance(meta, dict) else {}


def forget(out: Path, stem: Path) -> None:
    """Drop the record of an output about to be rewritten; on a read-only disk, say so (io.write).

    The error names the PDF, what the user asked for: the record is paraphe's own bookkeeping.
    """
    try:
        cache_path(out, stem).unlink(missing_ok=True)
    except OSError as exc:
        raise write_error(stem.with_suffix(".pdf"), exc) from None
