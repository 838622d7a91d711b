"""The manifest stages in one call: load, validate, model."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from paraphe.diagnostics import blocking
from paraphe.errors import ManifestError
from paraphe.manifest.french_values import canonical
from paraphe.manifest.load import LoadedManifest, load_manifest, load_manifest_bytes
from paraphe.manifest.model import Convention
from paraphe.manifest.modelling import build_model
from paraphe.manifest.validate import validate


def load_convention(path: Path, *, strict: bool = False) -> Convention:
    """Load, validate and model one manifest; raise ManifestError listing every problem.

    Warnings do not stop it: the model carries them (`Convention.warnings`) for the caller to
    show. With `strict`, a warning stops it as an error would.
    """
    return _checked(load_manifest(path), strict)


def load_convention_bytes(content: bytes, *, path: Path, shown: str, strict: bool = False) -> Convention:
    """The same for a manifest given by its content (see `load_manifest_bytes` for `path` and `shown`)."""
    return _checked(load_manifest_bytes(content, path=path, shown=shown), strict)


def from_loaded(loaded: LoadedManifest, *, strict: bool = False) -> Convention:
    """Validate and model a manifest already loaded (the caller looked at its kind first)."""
    return _checked(loaded, strict)


def _checked(loaded: LoadedManifest, strict: bool) -> Convention:
    loaded = canonical(loaded)  # `féminin` read as `feminine`: the later stages know one word
    problems = validate(loaded)
    if blocking(problems, strict=strict):
        raise ManifestError(problems)
    return dataclasses.replace(build_model(loaded), warnings=tuple(problems))
