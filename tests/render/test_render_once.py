"""The renderer's shortcuts give what docxtpl and python-docx give: the package zipped once, each
template part patched once and filled as docxtpl fills it, docxtpl's line breaks resolved only where
there are some, tables mended by docxtpl only where they need it, and a part already parsed strictly
not parsed again (a part that is not XML is still refused), nor the body written from the filled tree."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import jinja2
import pytest
from docx.document import Document
from docxtpl import DocxTemplate
from lxml import etree

from paraphe.diagnostics import Location
from paraphe.errors import RenderError
from paraphe.pipeline import load_convention
from paraphe.render import docx, tags
from paraphe.render.context import build_context
from paraphe.render.tags import ParapheTemplate, patched
from paraphe.resources import template_path
from support import LOZERE

W_NAMESPACE = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
P = '<w:p><w:pPr><w:jc w:val="left"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r></w:p>'


def _filled_docx() -> Document:
    document = _filled().docx
    assert document is not None
    return document


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


def test_a_part_is_filled_as_docxtpl_fills_it(monkeypatch: pytest.MonkeyPatch) -> None:
    ours = docx._package_entries(_filled())
    monkeypatch.setattr(ParapheTemplate, "render_xml_part", DocxTemplate.render_xml_part)
    assert docx._package_entries(_filled()) == ours


def test_a_broken_tag_is_shown_in_its_context_as_docxtpl_shows_it() -> None:
    xml = "<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 6 + "<w:p><w:r><w:t>{{ broken( }}</w:t></w:r></w:p>"
    shown = []
    for method in (ParapheTemplate.render_xml_part, DocxTemplate.render_xml_part):
        template = ParapheTemplate.__new__(ParapheTemplate)
        with pytest.raises(jinja2.TemplateSyntaxError) as raised:
            method(template, xml, None, {}, jinja2.Environment())
        shown.append(list(raised.value.docx_context))  # type: ignore[attr-defined]
    assert shown[0] == shown[1] and any("broken" in line for line in shown[0])


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


def _random_table(chance: random.Random, depth: int = 0) -> str:
    """A table whose grid and rows may disagree as a {%tc %} tag leaves them, or as no editor would."""
    columns = "".join(f'<w:gridCol w:w="{chance.choice([0, 1000, 2400])}"/>' for _ in range(chance.randint(0, 4)))
    grid = chance.choice([f"<w:tblGrid>{columns}</w:tblGrid>"] * 8 + ["", f"<w:tblGrid>{columns}</w:tblGrid>" * 2])
    rows = []
    for _ in range(chance.randint(0, 3)):
        cells = []
        for _ in range(chance.randint(0, 5)):
            span = chance.choice([None, None, None, "1", "2", "3", "x", ""])
            properties = "" if span is None else f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>'
            inner = _random_table(chance, depth + 1) if depth == 0 and chance.random() < 0.05 else ""
            cells.append(f"<w:tc>{properties}<w:p><w:r><w:t>x</w:t></w:r></w:p>{inner}</w:tc>")
        rows.append(f"<w:tr>{''.join(cells)}</w:tr>")
    return f"<w:tbl>{grid}{''.join(rows)}</w:tbl>"


def test_tables_are_mended_as_docxtpl_mends_them() -> None:
    chance = random.Random(18)
    mended = 0
    for _ in range(400):
        tables = "".join(_random_table(chance) for _ in range(chance.randint(1, 3)))
        xml = f'<w:document xmlns:w="{W_NAMESPACE}"><w:body>{tables}</w:body></w:document>'
        try:
            expected = etree.tostring(DocxTemplate.fix_tables(DocxTemplate.__new__(DocxTemplate), xml))
        except (AttributeError, TypeError, ValueError) as exc:
            with pytest.raises(type(exc)):
                ParapheTemplate.fix_tables(ParapheTemplate.__new__(ParapheTemplate), xml)
            continue
        ours = etree.tostring(ParapheTemplate.fix_tables(ParapheTemplate.__new__(ParapheTemplate), xml))
        assert ours == expected, xml
        mended += expected != etree.tostring(etree.fromstring(xml))
    assert mended > 50  # the cases include many a table docxtpl changes (74 of 400)


def test_the_sdsf_tables_are_left_to_docxtpl_only_when_needed() -> None:
    body = _filled_docx().element.body
    tables = list(body.iter(f"{{{W_NAMESPACE}}}tbl"))
    assert len(tables) > 10 and not any(tags._to_fix(table) for table in tables)  # docxtpl's walk not made


def test_the_body_written_from_the_filled_tree_is_not_parsed_again() -> None:
    document = _filled()
    entries = docx._package_entries(document)
    assert document.docx is not None
    filled = document.docx.element
    assert docx._check_wellformed(entries, Location("t"), filled) is filled
    changed = [(n, b.replace(b"</w:body>", b"<w:p/></w:body>") if n == "word/document.xml" else b) for n, b in entries]
    assert docx._check_wellformed(changed, Location("t"), filled) is not filled  # parsed: what is written counts
    cut = [(n, b[: len(b) // 2] if n == "word/document.xml" else b) for n, b in entries]
    with pytest.raises(RenderError):
        docx._check_wellformed(cut, Location("t"), filled)


def test_the_body_python_docx_wrote_from_the_filled_tree_is_not_written_again(monkeypatch: pytest.MonkeyPatch) -> None:
    document = _filled()
    entries = docx._package_entries(document)
    written = entries.written_body
    assert document.docx is not None and written is dict(entries)["word/document.xml"]

    def written_again(element: etree._Element) -> bytes:
        raise AssertionError("the filled tree written again")

    monkeypatch.setattr(docx, "serialize_part_xml", written_again)
    assert docx._check_wellformed(entries, Location("t"), document.docx.element, written) is document.docx.element


def test_a_body_without_the_w_prefix_meets_docxtpls_own_error() -> None:
    xml = f'<x:body xmlns:x="{W_NAMESPACE}"><x:p><x:r><x:t>a</x:t></x:r></x:p></x:body>'
    with pytest.raises(KeyError):
        DocxTemplate.fix_tables(DocxTemplate.__new__(DocxTemplate), xml)
    with pytest.raises(KeyError):
        ParapheTemplate.fix_tables(ParapheTemplate.__new__(ParapheTemplate), xml)
