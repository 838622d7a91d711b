"""Where paraphe finds what it ships: the manifest's JSON Schema and the default Word templates."""

from __future__ import annotations

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = _ROOT / "schemas" / "convention.schema.json"
TEMPLATES_DIR = _ROOT / "templates"


def templates_folder() -> Path:
    """`templates/`, or the folder named by $PARAPHE_TEMPLATES (a secretariat's own templates)."""
    folder = os.environ.get("PARAPHE_TEMPLATES")
    return Path(folder) if folder else TEMPLATES_DIR


def template_path(kind: str) -> Path:
    """The Word template of a kind of convention: `<templates folder>/<kind>.docx`."""
    return templates_folder() / f"{kind}.docx"
