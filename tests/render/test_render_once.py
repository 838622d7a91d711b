"""The renderer's shortcuts give what docxtpl and python-docx give: the package zipped once, each
template part patched once, docxtpl's line breaks resolved only where there are some, and a part
already parsed strictly not parsed again (a part that is not XML is still refused)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docxtpl import DocxTemplate

from paraphe.errors import RenderError
from paraphe.pipeline import load_convention
from paraphe.render import docx
from paraphe.render.context import build_context
from paraphe.render.tags import ParapheTemplate, patched
from paraphe.resources import template_path
from support import LOZERE

P = '<w:p><w:pPr><w:jc w:val="left"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r></w:p>'


def _filled() -> ParapheTemplate:
    convention = load_convention(LOZERE)
    document = ParapheTemplate(str(template_path(convention.kind, LOZERE)))
    context = build_context(convention, docx._image_maker(document), None)
    document.render(context, docx._ENVIRONMENT, autoescape=True)
    return document


def test_the_entries_collected_are_what_save_zips() -> None:
    document = _filled()
    entries = docx._package_entries(document)
    saved = io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as archive:
        zipped = [(info.filename, archive.read(info)) for info in archive.infolist()]
    assert [name for name, _ in entries] == [name for name, _ in zipped]
    assert entries == zipped
    assert len(entries) > 10 and any(name == "word/document.xml" for name, _ in entries)


@pytest.mark.parametrize(
    "xml",
    [
        "<w:body>" + P.format("plain") + P.format("two\nlines") + "\n" + P.format("a\ttab") + "</w:body>",
        "<w:body>\n" + P.format("plain") + "\n" + P.format("other") + "\n</w:body>",  # breaks between paragraphs only
        "<w:body>" + P.format("page\fbreak") + P.format("new\aparagraph") + P.format("") + "</w:body>",
        "<w:body>" + P.format("nothing to resolve") + "</w:body>",
        "<w:body><w:p>" + "<w:r><w:t>a\nb</w:t></w:r>" * 3 + "</w:p><w:tbl>\n</w:tbl></w:body>",
        # A text box's paragraph inside a paragraph: the outer one ends at the inner « </w:p> ».
        '<w:body><w:p w:rsidR="1"><w:pPr><w:jc/></w:pPr><w:r><w:t>a\nb</w:t></w:r><w:txbxContent>'
        + P.format("in\tner")
        + "</w:txbxContent><w:r><w:t>tail\n</w:t></w:r></w:p></w:body>",
        "<w:body>" + P.format("done") + "<w:p><w:r><w:t>never\nclosed</w:t></w:r></w:body>",
        "<w:body><w:p><w:r><w:t>&lt;/w:p \n</w:t></w:r></w:p><w:pict>\f</w:pict></w:body>",
    ],
)
def test_line_breaks_are_resolved_as_docxtpl_resolves_them(xml: str) -> None:
    ours = ParapheTemplate.resolve_listing(ParapheTemplate.__new__(ParapheTemplate), xml)
    assert ours == DocxTemplate.resolve_listing(DocxTemplate.__new__(DocxTemplate), xml)


def test_a_part_patched_once_is_what_a_fresh_patch_gives() -> None:
    template = ParapheTemplate(str(template_path("sdsf", LOZERE)))
    template.init_docx()
    xml = template.get_xml()  # the template's body, its tags split across runs
    patched.cache_clear()
    first = patched(xml)
    assert patched(xml) is first  # kept
    patched.cache_clear()
    assert patched(xml) == first
    assert "{{" in first and "{%" in first and first != xml


def test_a_part_that_is_not_xml_is_refused_after_a_sound_one(tmp_path: Path) -> None:
    convention = load_convention(LOZERE)
    template = template_path(convention.kind, LOZERE)
    docx.render_docx(convention, template)  # its parts are known to be well-formed
    broken = tmp_path / "sdsf.docx"
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if "stylesWithEffects" in info.filename:
                data = data.replace(b"</w:styles>", b"</w:style>")
            target.writestr(info, data)
    with pytest.raises(RenderError) as refused:
        docx.render_docx(convention, broken)
    (diagnostic,) = refused.value.diagnostics
    assert diagnostic.rule == "template.output"
    assert "word/stylesWithEffects.xml" in diagnostic.message
