"""The manifest stages in one call: load, validate, model."""

from __future__ import annotations

from pathlib import Path

from paraphe.errors import ManifestError
from paraphe.manifest.load import load_manifest
from paraphe.manifest.model import Convention, build_model
from paraphe.manifest.validate import validate


def load_convention(path: Path) -> Convention:
    """Load, validate and model one manifest; raise ManifestError listing every problem."""
    loaded = load_manifest(path)
    problems = validate(loaded)
    if problems:
        raise ManifestError(problems)
    return build_model(loaded)
