"""A template's package read once per process gives what python-docx's `Document` gives, each document
its own parts; a package saved as a Word template (.dotx) or a macro-enabled file is refused by name,
in the build and in `templates check`, rather than failing as an internal error."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx as python_docx
import pytest
from docx.document import Document

from paraphe.errors import RenderError
from paraphe.pipeline import load_convention
from paraphe.render import template_package
from paraphe.render.docx import render_docx
from paraphe.render.tags import ParapheTemplate
from paraphe.render.template_check import check_template
from paraphe.render.template_package import read_document
from paraphe.resources import template_path
from support import LOZERE

_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_DOTX = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"


def _template() -> bytes:
    return template_path("ctg").read_bytes()


def _package(document: Document) -> list[tuple[str, str, bytes, list[tuple[str, str, str]]]]:
    package = document.part.package
    return [
        (
            str(part.partname),
            part.content_type,
            part.blob,
            sorted((rel.rId, rel.reltype, rel.target_ref) for rel in part.rels.values()),
        )
        for part in package.iter_parts()
    ]


def test_a_package_read_once_is_what_python_docx_reads() -> None:
    content = _template()
    template_package._READ.clear()
    first = read_document(content)
    again = read_document(content)  # from the reading kept
    fresh = python_docx.Document(io.BytesIO(content))
    assert _package(first) == _package(fresh) == _package(again)
    assert len(template_package._READ) == 1


def test_each_document_has_parts_of_its_own() -> None:
    content = _template()
    first, second = read_document(content), read_document(content)
    assert first.part is not second.part and first.element is not second.element
    body = second.element.body.xml
    first.element.body.clear()
    first.part._blob = b"changed"  # as docxtpl replaces a part's bytes
    assert second.element.body.xml == body
    assert read_document(content).element.body.xml == body


def test_the_renderer_reads_a_template_given_as_bytes_once() -> None:
    template_package._READ.clear()
    convention = load_convention(LOZERE)
    template = template_path(convention.kind, LOZERE)
    render_docx(convention, template, template.read_bytes())
    (reading,) = template_package._READ.values()
    render_docx(convention, template, template.read_bytes())
    assert list(template_package._READ.values()) == [reading]


def _changed(tmp_path: Path, changes: dict[str, tuple[bytes, bytes]]) -> Path:
    """The CTG template with, in each entry named, `old` replaced by `new`."""
    saved = tmp_path / "ctg.docx"
    with zipfile.ZipFile(io.BytesIO(_template())) as source, zipfile.ZipFile(saved, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename in changes:
                old, new = changes[info.filename]
                assert old in data
                data = data.replace(old, new)
            target.writestr(info, data)
    return saved


def _saved_as(tmp_path: Path, content_type: str) -> Path:
    return _changed(tmp_path, {"[Content_Types].xml": (_MAIN.encode(), content_type.encode())})


_CTG = LOZERE.parent / "ctg-plan-actions-2020.yaml"


@pytest.mark.parametrize(
    ("content_type", "shown"),
    [
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml", "Word Template (*.dotx)"),
        ("application/vnd.ms-word.document.macroEnabled.main+xml", "Word Macro-Enabled Document (*.docm)"),
        ("application/vnd.example.other+xml", "application/vnd.example.other+xml"),
    ],
)
def test_a_package_saved_as_another_kind_of_word_file_is_refused_by_name(
    tmp_path: Path, content_type: str, shown: str
) -> None:
    template = _saved_as(tmp_path, content_type)
    convention = load_convention(_CTG)
    with pytest.raises(RenderError) as refused:  # an internal error (ValueError) before
        render_docx(convention, template, template.read_bytes())
    (diagnostic,) = refused.value.diagnostics
    assert diagnostic.rule == "template.invalid"
    assert f"saved as « {shown} »" in diagnostic.message and "Word Document (*.docx)" in diagnostic.message
    (checked,) = check_template(template, "ctg")  # it passed the check before
    assert (checked.rule, checked.message) == (diagnostic.rule, diagnostic.message)


def test_a_template_named_by_path_is_refused_as_its_bytes_are(tmp_path: Path) -> None:
    """How a redline or an avenant's printed base fills a template: by its path."""
    template = _saved_as(tmp_path, "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml")
    with pytest.raises(RenderError) as refused:  # python-docx's ValueError, an internal error, before
        render_docx(load_convention(_CTG), template)
    assert refused.value.diagnostics[0].rule == "template.invalid"


def test_the_main_part_is_checked_as_python_docx_checks_it(tmp_path: Path) -> None:
    """A Word template whose main part is first reached by another relationship than the document's."""
    other = b'<Relationship Id="rIdX" Type="http://example.org/other" Target="word/document.xml"/>'
    template = _changed(
        tmp_path,
        {
            "[Content_Types].xml": (_MAIN.encode(), _DOTX.encode()),
            "_rels/.rels": (b"<Relationship ", other + b"<Relationship "),
        },
    )
    content = template.read_bytes()
    with pytest.raises(ValueError, match="not a Word file"):
        python_docx.Document(io.BytesIO(content))
    with pytest.raises(template_package.NotAWordDocument):  # an AttributeError before
        read_document(content)
    (checked,) = check_template(template, "ctg")  # passed before
    assert checked.rule == "template.invalid" and "Word Template (*.dotx)" in checked.message


def test_a_package_python_docx_cannot_read_is_refused_not_a_crash(tmp_path: Path) -> None:
    """A relationship without its target: python-docx raises a TypeError."""
    template = _changed(tmp_path, {"word/_rels/document.xml.rels": (b'Target="styles.xml"', b"")})
    (checked,) = check_template(template, "ctg")  # an internal error (TypeError) before
    assert checked.rule == "template.invalid"
    with pytest.raises(RenderError) as refused:  # « template tag misused » before
        render_docx(load_convention(_CTG), template, template.read_bytes())
    assert refused.value.diagnostics[0].rule == "template.invalid"


def test_a_template_named_by_path_is_still_read_by_docxtpl() -> None:
    template = ParapheTemplate(str(template_path("ctg")))
    template.init_docx()
    assert template.docx is not None
    assert _package(template.docx) == _package(python_docx.Document(str(template_path("ctg"))))
