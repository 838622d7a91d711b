"""Render stage: model → template context → filled .docx."""

from __future__ import annotations

import os
from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parents[3] / "templates"


def templates_folder() -> Path:
    """`templates/`, or the folder named by $PARAPHE_TEMPLATES (a secretariat's own templates)."""
    folder = os.environ.get("PARAPHE_TEMPLATES")
    return Path(folder) if folder else TEMPLATES_DIR


def template_path(kind: str) -> Path:
    """The Word template of a kind of convention: `<templates folder>/<kind>.docx`."""
    return templates_folder() / f"{kind}.docx"
