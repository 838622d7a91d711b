"""Templates per département: tests/cases/departements/conventions/ardeche has its own sdsf.docx, the Lozère none."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from docx import Document

from paraphe.cli.main import cli
from support import TESTS, flat, pdf_text
from support.documents import summary

CASE = TESTS / "cases" / "departements" / "conventions"
ARDECHE = Path("ardeche") / "sdsf-2022-2025"
LOZERE = Path("lozere") / "sdsf-mini"


def build(folder: Path, out: Path) -> Result:
    result = CliRunner().invoke(cli, ["build", str(folder), "--out", str(out), "-j", "2"])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("departements")
    folder = root / "conventions"
    shutil.copytree(CASE, folder)
    out = root / "build"
    assert summary(build(folder, out)) == (2, 0, 0)
    return folder, out


def _heading_colour(docx: Path) -> str | None:
    colour = Document(str(docx)).styles["Heading 1"].font.color
    return str(colour.rgb) if colour is not None and colour.rgb is not None else None


def _header_images(docx: Path) -> int:
    header = Document(str(docx)).sections[0].header
    return len(header._element.xpath(".//pic:pic"))


def test_each_departement_builds_with_its_look(tree: tuple[Path, Path]) -> None:
    _, out = tree
    ardeche, lozere = out / ARDECHE, out / LOZERE
    assert "Les partenaires du schéma ardéchois" in flat(pdf_text(ardeche.with_suffix(".pdf"), first=1, last=1))
    assert "Les signataires" in flat(pdf_text(lozere.with_suffix(".pdf"), first=1, last=1))
    assert "ardéchois" not in flat(pdf_text(lozere.with_suffix(".pdf")))
    assert _heading_colour(ardeche.with_suffix(".docx")) == "1F6F3F"
    assert _heading_colour(lozere.with_suffix(".docx")) != "1F6F3F"
    assert (_header_images(ardeche.with_suffix(".docx")), _header_images(lozere.with_suffix(".docx"))) == (1, 0)


def test_a_changed_override_rebuilds_only_its_documents(tree: tuple[Path, Path]) -> None:
    folder, out = tree
    override = folder / "ardeche" / "templates" / "sdsf.docx"
    original = override.read_bytes()
    document = Document(str(override))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("Les partenaires"))
    paragraph.runs[0].text = "Les partenaires du schéma de l'Ardèche"
    document.save(str(override))
    try:
        result = build(folder, out)
        assert summary(result) == (1, 1, 0)
        assert f"built {out / ARDECHE}.pdf" in result.output
        assert "schéma de l'Ardèche" in flat(pdf_text((out / ARDECHE).with_suffix(".pdf"), first=1, last=1))
    finally:
        override.write_bytes(original)
    assert summary(build(folder, out)) == (1, 1, 0)


def test_a_new_override_rebuilds_the_documents_it_now_fills(tree: tuple[Path, Path]) -> None:
    folder, out = tree
    own = folder / "lozere" / "templates"
    own.mkdir()
    shutil.copy(folder / "ardeche" / "templates" / "sdsf.docx", own / "sdsf.docx")
    try:
        result = build(folder, out)
        assert summary(result) == (1, 1, 0)
        assert "ardéchois" in flat(pdf_text((out / LOZERE).with_suffix(".pdf"), first=1, last=1))
    finally:
        shutil.rmtree(own)
    assert summary(build(folder, out)) == (1, 1, 0)
    assert "ardéchois" not in flat(pdf_text((out / LOZERE).with_suffix(".pdf"), first=1, last=1))


def test_a_broken_override_is_refused_for_its_documents_only(tree: tuple[Path, Path], tmp_path: Path) -> None:
    folder, out = tree
    override = folder / "ardeche" / "templates" / "sdsf.docx"
    original = override.read_bytes()
    document = Document(str(override))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("Les partenaires"))
    paragraph.runs[0].text = "Les partenaires ({{ territoire }})"
    document.save(str(override))
    try:
        result = CliRunner().invoke(cli, ["build", str(folder), "--out", str(out)])
        assert result.exit_code == 1
        assert summary(result) == (0, 1, 1)
        assert (
            "(« Les partenaires ({{ territoire }}) »): unknown variable 'territoire' — did you mean 'territory'? "
            in (result.output)
        )
    finally:
        override.write_bytes(original)


def test_shipped_templates_stay_sound_saved_by_libreoffice(tmp_path: Path, soffice: str) -> None:
    """A secretariat editing in LibreOffice: quotes come back as &quot;, a paragraph's own « page break before »
    as a break in the paragraph before (often a {%p %} tag's) — the templates keep theirs in named styles."""
    import subprocess

    from paraphe.render.template_check import check_template
    from paraphe.resources import default_templates

    sources = [default_templates() / f"{kind}.docx" for kind in ("sdsf", "ctg")]
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx:MS Word 2007 XML",
         "--outdir", str(tmp_path / "saved"), *map(str, sources)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    for source in sources:
        assert check_template(tmp_path / "saved" / source.name, source.stem) == []
