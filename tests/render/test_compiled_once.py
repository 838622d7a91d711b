"""A template's parts are compiled once per process; what they fill is what a fresh compile fills."""

from __future__ import annotations

from paraphe.pipeline import load_convention
from paraphe.render import docx
from paraphe.render.docx import render_docx
from support import LOZERE, MINIMAL


def test_a_part_compiled_once_fills_as_a_fresh_compile() -> None:
    lozere, minimal = load_convention(LOZERE), load_convention(MINIMAL)
    docx._ENVIRONMENT._compiled.clear()
    first = render_docx(lozere)
    kept = dict(docx._ENVIRONMENT._compiled)
    assert kept  # the parts of the template, compiled
    other = render_docx(minimal)  # the same parts, other values
    again = render_docx(lozere)
    assert all(docx._ENVIRONMENT._compiled[source] is template for source, template in kept.items())
    docx._ENVIRONMENT._compiled.clear()
    assert render_docx(lozere) == first == again
    assert render_docx(minimal) == other != first
