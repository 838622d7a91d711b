"""The states of a convention an avenant names: a manifest as a file or at a git revision, a signed PDF.

Each state is loaded and validated as any manifest is (its own diagnostics, at its own lines);
what the avenant says about it that does not hold (no such file, a signed PDF built from
another manifest) is reported at the avenant's line.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paraphe.diagnostics import Location
from paraphe.diff import sources
from paraphe.errors import ManifestError
from paraphe.i18n import _
from paraphe.manifest.convention import from_loaded
from paraphe.manifest.load import LoadedManifest, load_manifest, load_manifest_bytes
from paraphe.manifest.model import Convention
from paraphe.manifest.source_map import Pointer, SourceMap
from paraphe.paths import display_path


@dataclass(frozen=True)
class State:
    """A version of the convention, with the positions of its manifest's nodes (for located warnings)."""

    convention: Convention
    source: SourceMap
    name: str  # as diagnostics name it: the path, or REV:path
    read_from_disk: bool = True  # False: read at a git revision

    @property
    def reads(self) -> tuple[tuple[Path, str], ...]:
        if not self.read_from_disk:
            return ()
        return ((self.convention.source.resolve(), self.convention.source_digest),)


def resolve(avenant: LoadedManifest, relative: str) -> Path:
    """A path the avenant gives, relative to its own folder (as the user would name it: not resolved)."""
    return Path(os.path.normpath(avenant.path.parent / relative))


def read_manifest(avenant: LoadedManifest, field: str) -> LoadedManifest:
    """The manifest a `{manifest, revision}` field of the avenant names, as bytes parsed (not yet validated)."""
    ref: dict[str, Any] = avenant.data[field]
    pointer: Pointer = (field,)
    path = resolve(avenant, ref["manifest"])
    where = avenant.source.locate(pointer + ("manifest",))
    revision = ref.get("revision")
    if revision is not None:
        shown = display_path(path)
        content = sources.git_show(path, revision, avenant.source.locate(pointer + ("revision",)))
        return load_manifest_bytes(content, path=path, shown=f"{revision}:{shown}")
    if not path.is_file():
        raise ManifestError.at(where, _("no such manifest {path!r}", path=display_path(path)), "avenant.path")
    return load_manifest(path)


def read_state(avenant: LoadedManifest, field: str) -> State:
    """A convention's state the avenant names in `field` (`amends`, `amended`), loaded and validated."""
    pointer: Pointer = (field,)
    loaded = read_manifest(avenant, field)
    if isinstance(loaded.data, dict) and loaded.data.get("kind") == "avenant":
        where = avenant.source.locate(pointer + ("manifest",))
        message = _("{file} is an avenant: name the convention's manifest here", file=loaded.source.file)
        raise ManifestError.at(where, message, "avenant.kind")
    from_disk = avenant.data[field].get("revision") is None
    return State(from_loaded(loaded), loaded.source, loaded.source.file, from_disk)


def signed_record_fingerprint(
    avenant: LoadedManifest, original: Convention
) -> tuple[str, tuple[tuple[Path, str], ...]]:
    """The build fingerprint of the signed original (`amends.signed`), once its record names the manifest
    read, with the file and its digest; ("", ()) when the avenant names no signed PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    from paraphe.provenance import read_record

    relative = avenant.data["amends"].get("signed")
    if relative is None:
        return "", ()
    path = resolve(avenant, relative)
    where: Location = avenant.source.locate(("amends", "signed"))
    shown = display_path(path)
    try:
        data = path.read_bytes()
        record = read_record(PdfReader(io.BytesIO(data)))
    except (OSError, PdfReadError, ValueError) as exc:
        raise ManifestError.at(
            where, _("cannot read the signed convention {shown!r}: {exc}", shown=shown, exc=exc), "avenant.signed"
        ) from None
    if record is None:
        raise ManifestError.at(where, _("{shown} holds no paraphe build record", shown=shown), "avenant.signed")
    if record.convention != original.id or record.manifest != original.source_digest:
        why = (
            f"its build record names convention {record.convention!r}"
            if record.convention != original.id
            else "it was built from another version of that manifest"
        )
        message = _(
            "{shown} was not built from {source}: {why}", shown=shown, source=display_path(original.source), why=why
        )
        raise ManifestError.at(where, message, "avenant.signed")
    return record.fingerprint, ((path, hashlib.sha256(data).hexdigest()),)
