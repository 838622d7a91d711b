"""A filled part a tag left unbalanced (a condition opened in a paragraph or cell, closed in another
cell) is refused and named, body or header alike: docxtpl parses the body leniently and would mend
it silently, dropping what follows the cut; python-docx's parsing of a header took it for a broken
template."""

from __future__ import annotations

import io
from pathlib import Path

import docx as python_docx
import pytest
from docx.shared import Mm

from paraphe.errors import RenderError
from paraphe.pipeline import load_convention
from paraphe.render.docx import render_docx
from support import LOZERE


def _template(tmp_path: Path, *, in_header: bool) -> Path:
    document = python_docx.Document()
    document.add_paragraph("{{ title }}")
    if in_header:
        header = document.sections[0].header
        header.paragraphs[0].text = "En-tête {% if is_draft %}du projet"
        table = header.add_table(rows=1, cols=2, width=Mm(120))
    else:
        document.add_paragraph("Avant {% if is_draft %}le projet")
        table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "La cellule d'à côté"
    table.cell(0, 1).text = "relu {% endif %}par le secrétariat"
    path = tmp_path / "sdsf.docx"
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize(("in_header", "part"), [(False, "word/document.xml"), (True, "word/header1.xml")])
def test_a_part_a_tag_left_unbalanced_is_refused_by_name(tmp_path: Path, in_header: bool, part: str) -> None:
    template = _template(tmp_path, in_header=in_header)
    convention = load_convention(LOZERE)  # final: the condition is not taken
    with pytest.raises(RenderError) as refused:
        render_docx(convention, template, template.read_bytes())
    (diagnostic,) = refused.value.diagnostics
    assert diagnostic.rule == "template.output"
    assert f"not valid XML ({part}:" in diagnostic.message and "{%p %}, {%tr %} or {%tc %}" in diagnostic.message


def test_a_part_not_xml_for_another_reason_is_refused_without_the_tags_hint(tmp_path: Path) -> None:
    document = python_docx.Document()
    document.add_paragraph("{{ title }}")
    document.add_paragraph('Avant {{ "\\x0b" }} après')  # a character XML forbids, printed by a tag
    template = tmp_path / "sdsf.docx"
    document.save(str(template))
    with pytest.raises(RenderError) as refused:
        render_docx(load_convention(LOZERE), template, template.read_bytes())
    (diagnostic,) = refused.value.diagnostics
    assert diagnostic.rule == "template.output" and "invalid Char" in diagnostic.message
    assert "{%p %}" not in diagnostic.message  # no tag is to blame
