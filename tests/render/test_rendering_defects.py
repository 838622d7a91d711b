"""Defects found by encoding real conventions, each pinned: no stray « : », no empty action table."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document

from paraphe.pipeline import load_convention
from paraphe.render.docx import render_docx
from support import LOZERE, TESTS

SHAPE = TESTS / "manifests" / "shapes" / "sdsf-opens-like-a-convention" / "manifest.yaml"


def test_unnumbered_group_has_no_stray_colon_and_a_text_only_fiche_no_table() -> None:
    document = Document(io.BytesIO(render_docx(load_convention(SHAPE))))
    cells = [cell.text.strip() for table in document.tables for row in table.rows for cell in row.cells]
    assert "Actions transversales" in cells
    assert not [text for text in cells if text.startswith(":") or text.startswith("\u00a0:")]
    # Two tables only: the one fiche with actions, and the signatures; « Méthodologie » is text alone.
    # Its first column is named after the levels below the orientation, not « Axes et Actions ».
    headers = [t for t in document.tables if t.rows[0].cells[0].text == "Objectifs et Actions"]
    assert len(headers) == 1
    assert len(document.tables) == 2


def test_figures_as_the_document_writes_them(tmp_path: Path) -> None:
    from paraphe.render.context import build_context

    source = (TESTS / "manifests" / "minimal" / "sdsf-mini.yaml").read_text(encoding="utf-8")
    manifest = tmp_path / "sdsf.yaml"
    manifest.write_text(
        source.replace(
            '        - {label: "2017", value: 76601, unit: hab.}',
            '        - {label: "2017", value: 76601, unit: hab.}\n'
            '        - {label: "2020", text: "près de 30 % de plus"}',
        ),
        encoding="utf-8",
    )
    identity = build_context(load_convention(manifest))["identity"]
    lines = [line.replace("\u00a0", " ").replace("\u202f", " ") for line in identity["blocks"][0]["lines"]]
    assert lines == ["2017 : 76 601 hab.", "2020 : près de 30 % de plus"]


def test_table_columns_follow_the_levels() -> None:
    from paraphe.french import plural

    lozere = load_convention(LOZERE)
    document = Document(io.BytesIO(render_docx(lozere)))
    assert {t.rows[0].cells[0].text for t in document.tables if len(t.columns) == 4} == {"Axes et Actions"}
    assert plural("Objectif opérationnel") == "Objectifs opérationnels"
    assert plural("Axe de travail") == "Axes de travail"
