"""The redline: LibreOffice's comparison of the two documents, changes tracked (real LibreOffice)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from support import LOZERE, flat, pdf_text
from support.diffing import axis, run, versions

# ---------------------------------------------------------------------- redline (real LibreOffice)


def calendar_and_new_action(data: dict[str, Any]) -> None:
    axis(data, 0, 1)[5]["calendar"] = 2022  # pe-1-6, 2021
    axis(data, 0, 4).append({"id": "pe-4-6", "title": "Créer un guichet unique pour les familles", "actors": ["CCSS"]})


def tracked_changes(odt: Path) -> tuple[list[str], list[str]]:
    """Text inserted and text deleted, as the tracked changes of an OpenDocument text record them."""
    from lxml import etree

    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    with zipfile.ZipFile(odt) as archive:
        root = etree.fromstring(archive.read("content.xml"))
    deleted = [
        "".join(t for p in d if etree.QName(p).namespace == text_ns for t in p.itertext())
        for d in root.iter(f"{{{text_ns}}}deletion")
    ]
    regions = {r.get(f"{{{text_ns}}}id"): r for r in root.iter(f"{{{text_ns}}}changed-region")}
    insertions = {k for k, r in regions.items() if r.find(f"{{{text_ns}}}insertion") is not None}
    inserted: list[str] = []
    current: str | None = None
    body = root.find("{urn:oasis:names:tc:opendocument:xmlns:office:1.0}body")
    assert body is not None
    for event, element in etree.iterwalk(body, events=("start", "end")):
        tag = etree.QName(element).localname
        if event == "start" and tag == "change-start" and element.get(f"{{{text_ns}}}change-id") in insertions:
            current = ""
        elif event == "start" and tag == "change-end" and current is not None:
            inserted.append(current)
            current = None
        elif current is not None and event == "start" and tag in ("line-break", "tab", "s"):
            current += " "
        elif current is not None and event == "start" and element.text:
            current += element.text
        if current is not None and event == "end" and element.tail and tag != "change-end":
            current += element.tail
    return inserted, deleted


def test_redline_shows_a_moved_calendar_and_a_new_action_as_tracked_changes(tmp_path: Path, soffice: str) -> None:
    old, new = versions(tmp_path, calendar_and_new_action)
    pdf, odt = tmp_path / "redline.pdf", tmp_path / "redline.odt"
    result = run(str(old), str(new), "--redline", str(pdf))
    assert result.exit_code == 1, result.output
    assert f"wrote {pdf}" in result.stderr
    assert run(str(old), str(new), "--redline", str(odt)).exit_code == 1

    inserted, deleted = tracked_changes(odt)
    assert [flat(t) for t in deleted] == ["2021"]
    assert [flat(t) for t in inserted] == ["2022", "Action 6 : Créer un guichet unique pour les familles CCSS"]

    text = flat(pdf_text(pdf))
    # Both calendars are printed (2021 struck through), the new action too; the table around
    # them is not re-inserted whole: unchanged actions appear once.
    assert "exerçant en MAM 20222021 Département" in text
    assert "Action 6 : Créer un guichet unique pour les familles CCSS" in text
    assert text.count("Sensibiliser et informer les élus sur les besoins réels") == 1


def test_redline_of_identical_versions_has_no_change(tmp_path: Path, soffice: str) -> None:
    odt = tmp_path / "same.odt"
    result = run(str(LOZERE), str(LOZERE), "--redline", str(odt))
    assert result.exit_code == 0, result.output
    assert tracked_changes(odt) == ([], [])


def test_redline_refuses_other_formats(tmp_path: Path) -> None:
    result = run(str(LOZERE), str(LOZERE), "--redline", str(tmp_path / "out.docx"))
    assert result.exit_code == 2
    assert "the redline is written as .pdf or .odt" in result.stderr
    assert not (tmp_path / "out.docx").exists()
