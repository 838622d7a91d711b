"""`templates check`: a Word template's tags, in every branch, against the context of its kind (no LibreOffice)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from paraphe.cli.main import cli
from paraphe.render.reference import KINDS, context_shape
from paraphe.render.template_check import check_template
from paraphe.resources import default_templates, template_path
from support import ROOT
from support.hostile_inputs import _template


def findings(tmp_path: Path, data: bytes, kind: str = "sdsf") -> list[str]:
    template = tmp_path / f"{kind}.docx"
    template.write_bytes(data)
    return [f"{d.message} [{d.rule}]" for d in check_template(template, kind)]


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_templates_are_sound(kind: str) -> None:
    assert check_template(default_templates() / f"{kind}.docx", kind) == []


def test_command_checks_shipped_and_departement_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["templates", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "4 template(s) sound"


def test_specimens_fill_every_part_of_an_sdsf() -> None:
    """Every key and every list's items known: a specimen that leaves a part empty would check nothing inside it."""
    for kind in ("sdsf", "sdavs"):
        unknown = [s.path for s in context_shape(kind).walk() if s.kind == "any"]
        assert unknown == [], unknown


def test_attribute_of_a_loop_variable(tmp_path: Path) -> None:
    data = _template("{%p for fiche in fiches %}", "{{ fiche.headng }}", "{{ loop.index }}", "{%p endfor %}")
    assert findings(tmp_path, data) == [
        "paragraph 2 (« {{ fiche.headng }} »): unknown variable 'fiche.headng' — did you mean 'fiche.heading'? "
        "[template.undefined]"
    ]


def test_assigned_names_tests_and_text_methods_are_known(tmp_path: Path) -> None:
    data = _template(
        "{% set who = title %}{{ who }}", "{%p if subtitle is string %}", "{{ subtitle.upper() }}", "{%p endif %}"
    )
    assert findings(tmp_path, data) == []


def test_unknown_test(tmp_path: Path) -> None:
    data = _template("{%p if subtitle is strng %}", "{{ subtitle }}", "{%p endif %}")
    assert findings(tmp_path, data) == [
        "paragraph 1 (« {%p if subtitle is strng %} »): unknown test 'strng' — did you mean 'string'? [template.filter]"
    ]


def test_row_tag_located_in_its_table_cell(tmp_path: Path) -> None:
    from docx import Document

    document = Document(io.BytesIO(_template("{{ title }}")))
    table = document.add_table(rows=3, cols=1)
    table.cell(0, 0).text = "{%tr for pair in signatory_rowz %}"
    table.cell(1, 0).text = "{{ pair }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    buffer = io.BytesIO()
    document.save(buffer)
    assert findings(tmp_path, buffer.getvalue()) == [
        "table 1, row 1, cell 1 (« {%tr for pair in signatory_rowz %} »): unknown variable 'signatory_rowz' — did you "
        "mean 'signatory_rows'? [template.undefined]"
    ]


def test_text_beside_a_paragraph_tag_is_dropped(tmp_path: Path) -> None:
    data = _template("{%p if is_draft %} Projet", "{{ title }}", "{%p endif %}")
    assert findings(tmp_path, data) == [
        "paragraph 1 (« {%p if is_draft %} Projet »): text beside a {%p … %} tag is dropped (« Projet »): give the tag "
        "a paragraph of its own [template.split-tag]"
    ]


def test_ctg_variables_are_not_an_sdsf_s(tmp_path: Path) -> None:
    data = _template("{{ duration_text }}")
    assert findings(tmp_path, data, "ctg") == []
    unknown = "paragraph 1 (« {{ duration_text }} »): unknown variable 'duration_text' [template.undefined]"
    assert findings(tmp_path, data, "sdsf") == [unknown]


def test_missing_marks(tmp_path: Path) -> None:
    assert [f.rsplit("[", 1)[1] for f in findings(tmp_path, _template("{{ title }}", marks=False))] == [
        "template.marker]"
    ] * 3


def test_not_a_word_document(tmp_path: Path) -> None:
    assert findings(tmp_path, b"not a zip") == [
        "not a usable Word template: not a Word document (.docx) [template.invalid]"
    ]


# --- Where a manifest's template comes from ------------------------------------------------------------------------


def test_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The manifest's folder, each one above up to conventions/, then $PARAPHE_TEMPLATES, then paraphe's; per file."""
    departement = tmp_path / "conventions" / "ardeche"
    manifest = departement / "privas" / "ctg.yaml"
    manifest.parent.mkdir(parents=True)
    for folder, kind in ((departement, "sdsf"), (departement, "ctg"), (manifest.parent, "ctg")):
        (folder / "templates").mkdir(exist_ok=True)
        (folder / "templates" / f"{kind}.docx").write_bytes(b"")
    (tmp_path / "templates").mkdir()  # above conventions/: never looked at
    (tmp_path / "templates" / "sdavs.docx").write_bytes(b"")
    monkeypatch.delenv("PARAPHE_TEMPLATES", raising=False)
    assert template_path("ctg", manifest) == manifest.parent / "templates" / "ctg.docx"
    assert template_path("sdsf", manifest) == departement / "templates" / "sdsf.docx"
    assert template_path("sdavs", manifest) == default_templates() / "sdavs.docx"
    own = tmp_path / "own"
    monkeypatch.setenv("PARAPHE_TEMPLATES", os.fspath(own))
    assert template_path("sdavs", manifest) == own / "sdavs.docx"
    assert template_path("sdsf", manifest) == departement / "templates" / "sdsf.docx"


def test_a_checkout_s_templates_link_is_paraphe_s(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A manifest outside conventions/ in a checkout walks up to its root, whose templates/ links to paraphe's."""
    monkeypatch.setenv("PARAPHE_TEMPLATES", os.fspath(tmp_path))
    assert template_path("sdsf", ROOT / "tests" / "manifests" / "minimal" / "sdsf-mini.yaml") == tmp_path / "sdsf.docx"


# --- The README's reference of what a template may use ---------------------------------------------------------------


def test_every_variable_is_described() -> None:
    from paraphe.render.reference import DESCRIPTIONS, described_paths

    given = set(described_paths())
    assert sorted(given - set(DESCRIPTIONS)) == [], "describe them in paraphe.render.reference.DESCRIPTIONS"
    assert sorted(set(DESCRIPTIONS) - given) == [], "no builder gives these any more"
    assert all(DESCRIPTIONS.values())


def test_readme_reference_of_template_variables_is_up_to_date() -> None:
    import subprocess
    import sys

    script = ROOT / "scripts" / "template-reference"
    result = subprocess.run([sys.executable, str(script), "--check"], check=False, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _edited(data: bytes, old: str, new: str) -> bytes:
    """The template with its body's XML edited as another editor would have written it."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "word/document.xml":
                assert old.encode() in content
                content = content.replace(old.encode(), new.encode())
            target.writestr(name, content)
    return out.getvalue()


def test_quotes_written_as_entities_are_quotes(tmp_path: Path) -> None:
    """LibreOffice saves `"` in text as `&quot;`: docxtpl alone would stop at it."""
    data = _template("{%p for line in opening.lines %}", '{%p if line.kind == "party" %}', "{{ line.text }}",
                     "{%p endif %}", "{%p endfor %}")  # fmt: skip
    assert findings(tmp_path, _edited(data, '"party"', "&quot;party&quot;")) == []


def test_page_break_in_a_tag_paragraph_is_dropped(tmp_path: Path) -> None:
    """LibreOffice saves a heading's « page break before » as a break at the end of the paragraph before it."""
    data = _template("{%p if preamble %}", "# Préambule", "{%p endif %}")
    edited = _edited(
        data, "<w:t>{%p if preamble %}</w:t></w:r>", '<w:t>{%p if preamble %}</w:t><w:br w:type="page"/></w:r>'
    )
    assert findings(tmp_path, edited) == [
        "paragraph 1 (« {%p if preamble %} »): a page break in a {%p … %} tag's paragraph is dropped with it: set "
        "« page break before » on the next paragraph's style instead [template.split-tag]"
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_templates_keep_their_look_in_named_styles(kind: str) -> None:
    """The .docx is the source a secretariat edits: sizes, colours, spacing, borders and fills in named paragraph,
    character and table styles, not on each paragraph, run or cell."""
    import re
    import zipfile

    with zipfile.ZipFile(default_templates() / f"{kind}.docx") as archive:
        body = archive.read("word/document.xml").decode()
        styles = archive.read("word/styles.xml").decode()
    assert not re.findall(r"<w:(sz|b|color|spacing|ind|pageBreakBefore|tblBorders|tcW)[ />]", body)
    # Every table names its style; a fiche's group rows keep their own fill (no table-style condition picks
    # them out), and a table's centring stays on it too, as LibreOffice ignores a table style's alignment.
    assert body.count("<w:tbl>") == body.count("<w:tblStyle ")
    # (one fill per fiche table: the body's, and the copy the fiches annex prints)
    fiche_tables = len(re.findall(r"\{%tr for row in (?:fiche|item)\.rows %\}", body))
    assert fiche_tables == (2 if kind in ("sdsf", "sdavs") else 0)
    assert re.findall(r'<w:shd [^>]*w:fill="(\w+)"', body) == ["DDE3F5"] * fiche_tables
    # Styles are named after a role, not a look (« Tableau – texte 10 pt » was).
    assert not re.findall(r'<w:name w:val="[^"]*\d+ ?pt"', styles)
    assert styles.count("<w:style ") < 65
