"""Conventions of every real shape and signatory arrangement, built end to end.

Each folder under tests/manifests/shapes/ holds a manifest, expected.txt (phrases the PDF
must contain, as poppler reads them) and fields.txt (its signature fields, in order).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from paraphe.cli.main import cli
from paraphe.pipeline import discover, load_convention
from support import ROOT, TESTS, flat, pdf_text, pdfsig_fields

SHAPES = TESTS / "manifests" / "shapes"
CASES = sorted(p for p in SHAPES.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_shape_builds_with_its_text_and_fields(case: Path, tmp_path: Path, soffice: str) -> None:
    result = CliRunner().invoke(cli, ["build", str(case / "manifest.yaml"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / case.name / "manifest.pdf"
    text = flat(pdf_text(pdf))
    missing = [
        line for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines() if flat(line) not in text
    ]
    assert not missing, f"not in the PDF: {missing}"
    assert pdfsig_fields(pdf) == (case / "fields.txt").read_text(encoding="utf-8").split()
    # One field per block: no two fields share a place, even when one person signs twice.
    reader = PdfReader(pdf)
    places = [
        (number, tuple(round(float(v)) for v in annotation.get_object()["/Rect"]))
        for number, page in enumerate(reader.pages)
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/FT") == "/Sig"
    ]
    assert len(set(places)) == len(places) == len(pdfsig_fields(pdf))


def test_numbering_is_derived_at_any_depth() -> None:
    convention = load_convention(SHAPES / "sdavs-axe-orientation-objectif" / "manifest.yaml")
    axis, second, transversal = convention.sections
    assert [axis.label, axis.sections[1].label, axis.sections[1].actions[0].label] == [
        "Axe 1",
        "Orientation 1.2",
        "Objectif opérationnel 1.2.1",
    ]
    assert second.sections[0].actions[0].label == "Objectif opérationnel 2.1.1"
    assert (transversal.label, transversal.number) == ("", "")


def test_discovery_skips_the_territories_list() -> None:
    found = discover([ROOT / "conventions"])
    assert all(p.name != "territories.yaml" for p in found)
    assert {p.name for p in found} >= {"sdsf-2020-2023.yaml", "ctg-plan-actions-2020.yaml"}
    result = CliRunner().invoke(cli, ["validate", str(SHAPES)])
    assert result.exit_code == 0, result.output
    assert f"{len(CASES)} manifest(s) valid" in result.output


def test_a_long_signature_page_flows_over_pages_with_each_field_beside_its_name(tmp_path: Path, soffice: str) -> None:
    case = SHAPES / "sdsf-avs-thirteen-signatories"
    result = CliRunner().invoke(cli, ["build", str(case / "manifest.yaml"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    reader = PdfReader(tmp_path / case.name / "manifest.pdf")
    convention = load_convention(case / "manifest.yaml")
    names = {s.id: s.name for s in convention.signatories}
    pages = {}
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots", []):
            field = annotation.get_object()
            if field.get("/FT") == "/Sig":
                pages[str(field["/T"])] = number
    assert len(set(pages.values())) == 2  # thirteen blocks do not fit on one page
    for signatory, number in pages.items():
        assert flat(names[signatory]) in flat(reader.pages[number].extract_text()), signatory
