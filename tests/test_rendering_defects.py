"""Defects found by encoding real conventions, each pinned: no stray « : », no empty action table."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document

from paraphe.pipeline import load_convention
from paraphe.render.docx import render_docx

SHAPE = Path(__file__).parent / "manifests" / "shapes" / "sdsf-opens-like-a-convention" / "manifest.yaml"


def test_unnumbered_group_has_no_stray_colon_and_a_text_only_fiche_no_table() -> None:
    document = Document(io.BytesIO(render_docx(load_convention(SHAPE))))
    cells = [cell.text.strip() for table in document.tables for row in table.rows for cell in row.cells]
    assert "Actions transversales" in cells
    assert not [text for text in cells if text.startswith(":") or text.startswith("\u00a0:")]
    # Two tables only: the one fiche with actions, and the signatures; « Méthodologie » is text alone.
    headers = [t for t in document.tables if t.rows[0].cells[0].text == "Axes et Actions"]
    assert len(headers) == 1
    assert len(document.tables) == 2
