"""The manifest stages in one call: load, validate, model."""

from __future__ import annotations

from pathlib import Path

from paraphe.errors import ManifestError
from paraphe.manifest.load import LoadedManifest, load_manifest, load_manifest_bytes
from paraphe.manifest.model import Convention, build_model
from paraphe.manifest.validate import validate


def load_convention(path: Path) -> Convention:
    """Load, validate and model one manifest; raise ManifestError listing every problem."""
    return _checked(load_manifest(path))


def load_convention_bytes(content: bytes, *, path: Path, shown: str) -> Convention:
    """The same for a manifest given by its content (see `load_manifest_bytes` for `path` and `shown`)."""
    return _checked(load_manifest_bytes(content, path=path, shown=shown))


def _checked(loaded: LoadedManifest) -> Convention:
    problems = validate(loaded)
    if problems:
        raise ManifestError(problems)
    return build_model(loaded)
