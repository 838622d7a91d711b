"""End to end on small manifests: real LibreOffice, PDFs read back with poppler and qpdf."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from paraphe.cli.main import cli
from support import MINIMAL, docx_text, flat, page_count, pdf_text, pdfsig_fields, require
from support.documents import make_annex_pdf


def copy_manifest(tmp_path: Path, text_changes: dict[str, str] | None = None) -> Path:
    folder = tmp_path / "conventions" / "testland"
    folder.mkdir(parents=True)
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in (text_changes or {}).items():
        assert old in text
        text = text.replace(old, new)
    manifest = folder / "sdsf-mini.yaml"
    manifest.write_text(text, encoding="utf-8")
    return manifest


def build(manifest: Path, out: Path):
    return CliRunner().invoke(cli, ["build", str(manifest), "--out", str(out)])


@pytest.fixture(scope="module")
def final_build(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Path:
    tmp = tmp_path_factory.mktemp("final")
    manifest = copy_manifest(
        tmp,
        {
            "  - {title: Glossaire des sigles, generated: glossary}": (
                "  - {title: Délibération du conseil, file: annexes/deliberation.pdf}\n"
                "  - {title: Glossaire des sigles, generated: glossary}"
            )
        },
    )
    make_annex_pdf(manifest.parent / "annexes" / "deliberation.pdf", "DELIBERATION ANNEXEE")
    result = build(manifest, tmp / "build")
    assert result.exit_code == 0, result.output
    return tmp / "build" / "testland" / "sdsf-mini.pdf"


def test_outputs_where_the_issue_says(final_build: Path) -> None:
    assert final_build.is_file()
    assert final_build.with_suffix(".docx").is_file()
    assert not list(final_build.parent.glob("*.part"))


def test_pdf_is_structurally_sound(final_build: Path) -> None:
    result = subprocess.run([require("qpdf"), "--check", str(final_build)], check=False, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_content_and_typography(final_build: Path) -> None:
    # No-break spaces are checked in the Word output; poppler reads them back as plain spaces.
    words = docx_text(final_build.with_suffix(".docx"))
    assert "Fait à Mende, le 9\u00a0octobre\u00a02020" in words
    assert "76\u202f601\u00a0hab." in words
    assert "14,9\u00a0%" in words
    assert "Contexte\u00a0: Convention d’Objectifs" in words
    body = flat(pdf_text(final_build))
    assert "Fait à Mende, le 9 octobre 2020" in body
    assert "76 601 hab." in body
    for phrase in (
        "Thématique : Petite enfance",
        "Axe 1 : Informer les familles de l'offre d'accueil existante",
        "Action 2 : Développer la mission du RAM",
        "UDAF (RAM)",
        "Madame la Préfète",
        "Valérie HATSCH",
        "«\u202fégalité des chances\u202f»".replace("\u202f", " "),
    ):
        assert phrase in body, phrase


def test_every_page_numbered_and_annex_inserted(final_build: Path) -> None:
    total = page_count(final_build)
    for number in range(1, total + 1):
        assert f"{number} / {total}" in pdf_text(final_build, first=number, last=number, raw=True)
    texts = [flat(pdf_text(final_build, first=n, last=n)) for n in range(1, total + 1)]
    cover = next(i for i, t in enumerate(texts) if "Annexe 1 – Délibération du conseil" in t)
    assert "DELIBERATION ANNEXEE — page 1" in texts[cover + 1]
    assert "DELIBERATION ANNEXEE — page 2" in texts[cover + 2]
    assert "Annexe 2 – Glossaire des sigles" in texts[cover + 3]
    assert "Relais assistants maternels" in texts[cover + 3]


def test_outline(final_build: Path) -> None:
    reader = PdfReader(final_build)
    titles = [
        (item.title, reader.get_destination_page_number(item)) for item in reader.outline if not isinstance(item, list)
    ]
    names = [t for t, _ in titles]
    assert names == [
        "Préambule",
        "Fiche d’identité de la Lozère",
        "Thématique : Petite enfance",
        "Signatures",
        "Annexe 1 – Délibération du conseil",
        "Annexe 2 – Glossaire des sigles",
    ]
    pages = dict(titles)
    assert pages["Annexe 2 – Glossaire des sigles"] == pages["Annexe 1 – Délibération du conseil"] + 3


def test_signature_fields_over_each_block(final_build: Path) -> None:
    assert pdfsig_fields(final_build) == ["prefete", "directrice-ccss", "presidente-departement"]
    reader = PdfReader(final_build)
    fields = reader.get_fields() or {}
    signature_page = next(i for i, p in enumerate(reader.pages) if "Valérie HATSCH" in (p.extract_text() or ""))
    for name, person in (("prefete", "Valérie HATSCH"), ("directrice-ccss", "Ghislaine CHARBONNEL")):
        field = fields[name]
        assert field["/FT"] == "/Sig"
        widget = next(
            a.get_object() for a in reader.pages[signature_page]["/Annots"] if a.get_object().get("/T") == name
        )
        x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
        assert x1 - x0 > 150 and y1 - y0 > 40
        # The person's name sits just below the field, within its width.
        words = subprocess.run(
            [
                require("pdftotext"),
                "-bbox",
                "-f",
                str(signature_page + 1),
                "-l",
                str(signature_page + 1),
                str(final_build),
                "-",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        first_name = person.split()[0]
        line = next(row for row in words.splitlines() if f">{first_name}<" in row)
        import re

        x_min, y_min = (float(v) for v in re.search(r'xMin="([\d.]+)" yMin="([\d.]+)"', line).groups())
        height = float(reader.pages[signature_page].mediabox.height)
        name_top = height - y_min
        assert x0 - 5 <= x_min <= x1
        assert 0 <= y0 - name_top <= 20


def test_metadata_in_french(final_build: Path) -> None:
    import re

    info = subprocess.run([require("pdfinfo"), str(final_build)], capture_output=True, text=True, check=True).stdout
    fields = dict(re.findall(r"^(\w+):\s+(.*)$", info, re.M))
    assert fields["Title"] == "Schéma départemental des services aux familles 2020-2023"
    assert "Département de la Lozère" in fields["Subject"]
    assert fields["Keywords"] == "SDSF; Lozère; 2020-2023; Petite enfance"
    assert "Préfecture de la Lozère" in fields["Author"]


def test_draft_has_mark_and_no_fields(tmp_path: Path, soffice: str) -> None:
    manifest = copy_manifest(tmp_path, {"status: final": "status: draft"})
    result = build(manifest, tmp_path / "build")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "build" / "testland" / "sdsf-mini.pdf"
    assert pdfsig_fields(pdf) == []
    assert not (PdfReader(pdf).get_fields() or {})
    # « PROJET » is drawn on every page as the letters' outlines (a shared form XObject): seen, never extracted.
    pages = PdfReader(pdf).pages
    assert len(pages) == page_count(pdf)
    assert all("/ParapheDraft" in page["/Resources"]["/XObject"] for page in pages)
    assert not re.search(r"^\s*(PR|OJ|ET|PROJET)\s*$", pdf_text(pdf), re.MULTILINE)


def test_manifest_text_printed_as_written(tmp_path: Path, soffice: str) -> None:
    hostile = 'Texte & <b>gras</b> {{ title }} {% if x %} "guillemets" </w:t>'
    manifest = copy_manifest(tmp_path, {"- Favoriser l'accueil dès le premier âge.": f"- '{hostile}'"})
    result = build(manifest, tmp_path / "build")
    assert result.exit_code == 0, result.output
    assert hostile in flat(pdf_text(tmp_path / "build" / "testland" / "sdsf-mini.pdf"))


def test_failed_build_leaves_previous_output_untouched(tmp_path: Path, soffice: str) -> None:
    manifest = copy_manifest(tmp_path)
    out = tmp_path / "build"
    assert build(manifest, out).exit_code == 0
    pdf = out / "testland" / "sdsf-mini.pdf"
    before = pdf.read_bytes()
    docx_before = pdf.with_suffix(".docx").read_bytes()
    annexes = manifest.parent / "annexes"
    annexes.mkdir()
    (annexes / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")  # truncated
    text = manifest.read_text(encoding="utf-8").replace(
        "  - {title: Glossaire des sigles, generated: glossary}",
        "  - {title: Glossaire des sigles, generated: glossary}\n  - {title: Pièce, file: annexes/broken.pdf}",
    )
    manifest.write_text(text, encoding="utf-8")
    result = build(manifest, out)
    assert result.exit_code == 1
    assert "sdsf-mini.yaml:" in result.stderr and "broken.pdf" in result.stderr
    assert "Traceback" not in result.output
    assert pdf.read_bytes() == before
    assert pdf.with_suffix(".docx").read_bytes() == docx_before
    assert sorted(p.name for p in pdf.parent.iterdir()) == ["sdsf-mini.docx", "sdsf-mini.pdf"]
