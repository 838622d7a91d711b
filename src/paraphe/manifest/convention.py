"""The manifest stages in one call: load, validate, model."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from paraphe.errors import ManifestError
from paraphe.manifest.load import load_manifest
from paraphe.manifest.model import Convention, build_model
from paraphe.manifest.validate import validate


def load_convention(path: Path, *, strict: bool = False) -> Convention:
    """Load, validate and model one manifest; raise ManifestError listing every problem.

    Warnings do not stop it: the model carries them (`Convention.warnings`) for the caller to
    show. With `strict`, a warning stops it as an error would.
    """
    loaded = load_manifest(path)
    problems = validate(loaded)
    if any(d.severity == "error" for d in problems) or (strict and problems):
        raise ManifestError(problems)
    return dataclasses.replace(build_model(loaded), warnings=tuple(problems))
