"""Inputs the tests make for themselves: annex PDFs made as a secretariat makes them, folders of conventions."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import Result
from docx import Document

from paraphe.convert import convert_to_pdf
from support import MINIMAL

ANNEXED = (
    "  - {title: Glossaire des sigles, generated: glossary}",
    "  - {title: Délibération, file: annexes/deliberation.pdf}\n  - {title: Glossaire des sigles, generated: glossary}",
)


def make_annex_pdf(path: Path, text: str, pages: int = 2) -> None:
    """A real PDF made the way a secretariat makes one: Word document → LibreOffice."""
    document = Document()
    for number in range(pages):
        paragraph = document.add_paragraph(f"{text} — page {number + 1}")
        if number:
            paragraph.paragraph_format.page_break_before = True
    buffer = io.BytesIO()
    document.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(convert_to_pdf(buffer.getvalue(), path.name))


def conventions(root: Path, names: list[str], *, annex: bool = False) -> Path:
    """`root/conventions/essai/<name>.yaml` for each name: copies of the small SDSF, each its own id."""
    folder = root / "conventions" / "essai"
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        text = MINIMAL.read_text(encoding="utf-8").replace("id: sdsf-mini", f"id: {name}")
        if annex:
            text = text.replace(*ANNEXED)
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    if annex:
        make_annex_pdf(folder / "annexes" / "deliberation.pdf", "DELIBERATION")
    return folder


def summary(result: Result) -> tuple[int, int, int]:
    found = re.search(r"(\d+) built, (\d+) reused, (\d+) failed", result.output)
    assert found, result.output
    built, reused, failed = (int(n) for n in found.groups())
    return built, reused, failed


# A département's territories list, as `paraphe new` and validation read it.
CANTAL = """\
# yaml-language-server: $schema=../../schemas/territories.schema.json
departement: Cantal
code: "15"
since: "2017-01-01"
territories:
  - Saint-Flour Communauté
  - Hautes Terres Communauté
  - Pays de Salers
"""


def departement_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A département's conventions repository, the working folder: conventions/cantal/ with its
    territories list, nothing else."""
    (tmp_path / ".git").mkdir()
    folder = tmp_path / "conventions" / "cantal"
    folder.mkdir(parents=True)
    (folder / "territories.yaml").write_text(CANTAL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path
