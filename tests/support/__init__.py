"""Helpers the tests share: where things are, and reading outputs back with independent tools.

Imported as `from support import …` (tests/ is on pytest's path), never from conftest.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
TESTS = ROOT / "tests"
MINIMAL = TESTS / "manifests" / "minimal" / "sdsf-mini.yaml"
LOZERE = ROOT / "conventions" / "lozere" / "sdsf-2020-2023.yaml"


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (run `make setup`)")
    return path


def pdf_text(pdf: Path, *, first: int | None = None, last: int | None = None, raw: bool = False) -> str:
    """Text of a PDF as poppler reads it — an independent reader; `raw` keeps content-stream order."""
    command = [require("pdftotext"), "-enc", "UTF-8"]
    if raw:
        command.append("-raw")
    if first is not None:
        command += ["-f", str(first)]
    if last is not None:
        command += ["-l", str(last)]
    command += [str(pdf), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def flat(text: str) -> str:
    """Collapse whitespace (including no-break spaces) and line-end hyphenation, to search phrases."""
    text = text.replace("\u00ad", "")
    text = re.sub(r"[\s\u00a0\u202f]+", " ", text)
    return text.replace("’", "'").strip()


def docx_text(docx: Path) -> str:
    from docx import Document

    document = Document(str(docx))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def docx_marked_text(data: bytes) -> tuple[str, list[str]]:
    """A filled .docx's body text, and the runs highlighted as to be completed (« [à compléter] »)."""
    import io
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    marked = ["".join(r.itertext()) for r in root.iter(f"{w}r") if r.find(f"{w}rPr/{w}highlight") is not None]
    return "".join(root.itertext()), marked


def page_count(pdf: Path) -> int:
    info = subprocess.run([require("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.M)
    assert match, info
    return int(match.group(1))


def pdfsig_fields(pdf: Path) -> list[str]:
    """Signature field names as pdfsig lists them."""
    out = subprocess.run([require("pdfsig"), str(pdf)], check=False, capture_output=True, text=True).stdout
    return re.findall(r"Signature Field Name: (\S+)", out)


HOSTILE = TESTS / "hostile"
CASES = TESTS / "cases"
