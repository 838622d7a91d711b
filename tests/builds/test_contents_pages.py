"""A printed Sommaire's page numbers: each is the page, as the footer « N / M » numbers it, where
poppler finds its heading in the finished PDF — annex files inserted, cover counted.

The Sommaire is read with `pdftotext -layout` (« 2- Diagnostic territorial ....... 5 »), each page
with `pdftotext -f N -l N`: an independent reader of what a reader of the paper sees.
"""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from paraphe.cli.main import cli
from paraphe.convert import Cancellation, Converter, Document, Outcome, Ready
from paraphe.pipeline import make_documents
from paraphe.scheduler import Job, Product
from support import LOZERE, TESTS, flat, pdf_text, require

SHAPE = TESTS / "manifests" / "shapes" / "sdsf-2016-chapters" / "manifest.yaml"
REAL = TESTS / "cases" / "real"
ENTRY = re.compile(r"^\s*(?P<heading>\S.*?)\s*\.{4,}\s*(?P<page>\d+)\s*$")


def build(manifest: Path, out: Path) -> Path:
    result = CliRunner().invoke(cli, ["build", str(manifest), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return next(out.rglob("*.pdf"))


def sommaire(pdf: Path, title: str = "Sommaire") -> tuple[int, list[tuple[str, int]]]:
    """The Sommaire's page (1-based) and its entries, as `pdftotext -layout` reads them."""
    pages = len(PdfReader(pdf).pages)
    for number in range(1, pages + 1):
        text = layout_text(pdf, number)
        if text.lstrip().startswith(title):
            entries = [(m["heading"], int(m["page"])) for m in map(ENTRY.match, text.splitlines()) if m]
            return number, entries
    raise AssertionError(f"no page of {pdf} opens with « {title} »")


def layout_text(pdf: Path, page: int) -> str:
    command = [require("pdftotext"), "-enc", "UTF-8", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def assert_numbers_are_the_pages(pdf: Path, expected_entries: int, title: str = "Sommaire") -> list[tuple[str, int]]:
    at, entries = sommaire(pdf, title)
    assert len(entries) == expected_entries, entries  # every line carries its number
    pages = len(PdfReader(pdf).pages)
    texts = {n: flat(pdf_text(pdf, first=n, last=n)) for n in range(1, pages + 1)}
    start = at + 1
    for heading, page in entries:
        # Its place, not a mention: the first page where it is printed, from the page of the entry before
        # (a draft's chapter titled « [à compléter] » is not the preamble's « [à compléter] »).
        where = [n for n in range(start, pages + 1) if flat(heading) in texts[n]]
        assert where, f"« {heading} » is printed on no page from page {start}"
        assert page == where[0], f"« {heading} » listed on page {page}, printed on page {where[0]}"
        start = page
        assert re.search(rf"\b{page} ?/ ?{pages}\b", texts[page])  # the footer's own number
    return entries


def test_the_2016_shape_lists_each_heading_on_its_page(tmp_path: Path, soffice: str) -> None:
    pdf = build(SHAPE, tmp_path)
    entries = assert_numbers_are_the_pages(pdf, expected_entries=10)
    assert entries[0] == ("Editorial", 3)
    assert [page for _, page in entries] == sorted(page for _, page in entries)  # in the document's order


@pytest.mark.parametrize("case", ["sdsf-ardeche-2021-2025", "sdsf-drome"])
def test_real_schemas_list_each_heading_on_its_page(case: str, tmp_path: Path, soffice: str) -> None:
    manifest = REAL / case / "manifest.yaml"
    contents = yaml.safe_load(manifest.read_text(encoding="utf-8"))["contents"]
    pdf = build(manifest, tmp_path)
    at, entries = sommaire(pdf, contents.get("title", "Sommaire"))
    assert entries
    assert_numbers_are_the_pages(pdf, len(entries), contents.get("title", "Sommaire"))


def test_an_annex_file_moves_the_pages_after_it(tmp_path: Path, soffice: str) -> None:
    """Three pages of a délibération inserted after its cover: the glossary after it is three pages later."""
    manifest = yaml.safe_load(SHAPE.read_text(encoding="utf-8"))
    fiches, glossary = manifest["annexes"]
    manifest["annexes"] = [fiches, {"title": "Délibération", "file": "deliberation.pdf"}, glossary]
    (tmp_path / "deliberation.pdf").write_bytes(blank_pdf(pages=3))
    (tmp_path / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    plain = dict(assert_numbers_are_the_pages(build(SHAPE, tmp_path / "plain"), expected_entries=10))
    entries = dict(assert_numbers_are_the_pages(build(tmp_path / "manifest.yaml", tmp_path / "out"), 11))
    assert entries["Annexe 3 – Glossaire des sigles"] == plain["Annexe 2 – Glossaire des sigles"] + 1 + 3


def blank_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass(frozen=True)
class CountingConverter(Converter):
    """The real local LibreOffice, counting the documents it is given."""

    converted: list[str] = field(default_factory=list)

    def convert(
        self, documents: Sequence[Document], ready: Ready | None = None, cancellation: Cancellation | None = None
    ) -> list[Outcome]:
        self.converted.extend(d.name for d in documents)
        return super().convert(documents, ready, cancellation)


def test_only_a_document_with_a_sommaire_is_converted_twice(tmp_path: Path, soffice: str) -> None:
    converter = CountingConverter()
    jobs = [Job(SHAPE, tmp_path / "shape"), Job(LOZERE, tmp_path / "lozere")]
    made = [outcome for _, outcome in make_documents(jobs, converter=converter, strict=False)]
    assert all(isinstance(m, Product) for m in made), made
    assert sum("sdsf-2016-chapters" in name for name in converter.converted) == 2
    assert sum("lozere" in name for name in converter.converted) == 1
