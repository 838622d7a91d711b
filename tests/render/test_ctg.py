"""The CTG: the seed's plan d'actions in full, an example territory never passed off as real, French agreement."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from paraphe.cli.main import cli
from paraphe.french import of_body, of_label
from paraphe.manifest.model import Signatory
from paraphe.manifest.organisations import organisation_type
from paraphe.pipeline import load_convention
from paraphe.render.ctg import _authorised, years
from support import ROOT, flat, page_count, pdf_text

CTG = ROOT / "conventions" / "lozere" / "ctg-plan-actions-2020.yaml"
SEED = ROOT.parent / "shared" / "seeds" / "ctg-plan-actions-2020.txt"


def seed_lines() -> list[str]:
    """Every line of the seed, without its list marks (« - », « ● », « 1- », « A- »)."""
    lines = []
    for raw in SEED.read_text(encoding="utf-8").splitlines():
        line = re.sub(r"^(?:[-●\uf0b7\uf06c]|[0-9]+-|[A-Z]-)\s*", "", raw.strip()).strip()
        if line:
            lines.append(line)
    return lines


@pytest.fixture(scope="module")
def ctg_pdf(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Path:
    out = tmp_path_factory.mktemp("ctg")
    result = CliRunner().invoke(cli, ["build", str(CTG), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "lozere" / "ctg-plan-actions-2020.pdf"


@pytest.mark.skipif(not SEED.exists(), reason="the seed documents are not beside this checkout")
def test_every_line_of_the_seed_is_in_the_document(ctg_pdf: Path) -> None:
    text = flat(pdf_text(ctg_pdf))
    lines = seed_lines()
    assert len(lines) > 50
    missing = [line for line in lines if flat(line) not in text]
    assert not missing


def test_plan_shape_is_the_seeds() -> None:
    c = load_convention(CTG)
    assert c.plan is not None and len(c.plan.stakes) == 4
    assert [len(s.means) for s in c.plan.stakes] == [3, 5, 5, 3]
    assert c.plan.transversal == ("Mobilité",)
    axes = [s for s in c.sections if s.number]
    assert [s.label for s in axes] == ["Axe 1", "Axe 2", "Axe 3", "Axe 4"]
    assert [[o.label for o in a.sections] for a in axes] == [["A", "B", "C"], ["A", "B"], ["A", "B", "C"], ["A", "B"]]
    assert [bool(a.legend) for a in axes] == [False, True, True, True]
    assert c.sections[-1].title == "Actions transversales" and not c.sections[-1].label


def test_example_territory_is_said_on_the_title_page_and_every_footer(ctg_pdf: Path) -> None:
    assert "Territoire d'exemple" in flat(pdf_text(ctg_pdf, first=1, last=1))
    for number in range(1, page_count(ctg_pdf) + 1):
        assert "(territoire d'exemple)" in flat(pdf_text(ctg_pdf, first=number, last=number))


def test_the_example_cannot_be_made_final(tmp_path: Path) -> None:
    folder = tmp_path / "conventions" / "lozere"
    folder.mkdir(parents=True)
    shutil.copy(CTG.parent / "territories.yaml", folder)
    manifest = folder / CTG.name
    manifest.write_text(CTG.read_text(encoding="utf-8").replace("status: draft", "status: final"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert result.exit_code == 1
    rules = re.findall(r"\[([\w.]+)\]$", result.stderr, re.M)
    assert rules.count("final.example") == 1
    assert rules.count("final.placeholder") >= 10
    assert "final.incomplete" in rules


@pytest.mark.parametrize(
    ("civilities", "expected"),
    [
        (["Madame"], "dûment autorisée"),
        (["Monsieur"], "dûment autorisé"),
        (["Madame", "Madame"], "dûment autorisées"),
        (["Monsieur", "Madame"], "dûment autorisés"),
        ([None], "dûment autorisé(e)"),
    ],
)
def test_authorised_agrees_with_the_representatives(civilities: list[str | None], expected: str) -> None:
    org = load_convention(CTG).organisations[0]
    people = tuple(Signatory(f"s{i}", org, c, "Rôle", "Nom") for i, c in enumerate(civilities))
    assert _authorised(people) == expected


def test_french_forms() -> None:
    assert of_body("le conseil communautaire") == "du conseil communautaire"
    assert of_body("la commission permanente") == "de la commission permanente"
    assert of_body("l'assemblée générale") == "de l'assemblée générale"
    assert of_label("Communauté de communes du Gévaudan") == "de la Communauté de communes du Gévaudan"
    assert (years(1), years(5), years(12), years(15)) == ("un an", "cinq ans", "douze ans", "15 ans")
    assert organisation_type("DDCSPP", "Direction départementale de la cohésion sociale") == "etat"
    assert organisation_type("CAF", "Caisse d'allocations familiales du Gard") == "caf"
    assert organisation_type("X", {"label": "Communauté de communes Haut-Allier"}) == "epci"
    assert organisation_type("X", {"label": "Y", "type": "msa"}) == "msa"


def test_placeholders_are_highlighted_and_only_them() -> None:
    import io
    import zipfile

    from lxml import etree

    from paraphe.render.docx import render_docx

    data = render_docx(load_convention(CTG))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    marked = ["".join(r.itertext()) for r in root.iter(f"{w}r") if r.find(f"{w}rPr/{w}highlight") is not None]
    assert len(marked) == 19  # 4 parties, 4 signature blocks, place and date, 8 axis texts, transversal actions
    assert all(m.startswith("[à compléter") and m.endswith("]") for m in marked)
    assert "représentée par [à compléter], Directeur(trice) de la CCSS" in "".join(root.itertext())
