"""« Fait à Marvejols, à la date de la dernière signature électronique » (signature.date: électronique):
a final convention that names no day of its own, complete as it is, and recorded as such."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from paraphe.cli.main import cli
from paraphe.errors import RenderError
from paraphe.pipeline import load_convention
from paraphe.provenance import BuildRecord, record_for
from paraphe.render.docx import render_docx
from paraphe.resources import template_path
from support import docx_marked_text

GEVAUDAN = Path(__file__).resolve().parent.parent / "avenants" / "gevaudan"
WORDS = "Fait à Marvejols, à la date de la dernière signature électronique, en"


def dated_by_last_signature(folder: Path) -> Path:
    """The final Gévaudan CTG, dated by its last signature instead of « le 3 mai 2021 »."""
    shutil.copytree(GEVAUDAN, folder, dirs_exist_ok=True)
    path = folder / "ctg.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'signature: {place: Marvejols, date: "2021-05-03"}' in text
    path.write_text(text.replace('date: "2021-05-03"}', "date: électronique}"), encoding="utf-8")
    return path


def test_a_final_dated_by_its_last_signature_is_complete_and_says_so(tmp_path: Path) -> None:
    path = dated_by_last_signature(tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "final.incomplete" not in result.output and "final.placeholder" not in result.output
    convention = load_convention(path)
    assert convention.is_final and convention.dated_by_last_signature and convention.signature_date is None
    text, marked = docx_marked_text(render_docx(convention))
    assert WORDS in text
    assert "[à compléter]" not in text and not marked


def test_a_stated_day_still_reads_le(tmp_path: Path) -> None:
    text, _ = docx_marked_text(render_docx(load_convention(GEVAUDAN / "ctg.yaml")))
    assert "Fait à Marvejols, le 3\u00a0mai\u00a02021, en" in text
    assert "dernière signature électronique" not in text


def test_the_build_record_says_the_last_signature_dates_it(tmp_path: Path) -> None:
    convention = load_convention(dated_by_last_signature(tmp_path))
    record = record_for(convention, template_path("ctg"))
    assert record.dated_by_last_signature and record.date == ""
    assert BuildRecord.from_json(record.to_json()) == record
    # A record with a day reads, and is written, as before the wording existed.
    dated = record_for(load_convention(GEVAUDAN / "ctg.yaml"), template_path("ctg"))
    assert dated.date == "2021-05-03" and "dated_by_last_signature" not in dated.to_json()
    assert not BuildRecord.from_json(dated.to_json()).dated_by_last_signature


def test_a_template_printing_le_and_a_day_is_refused(tmp_path: Path) -> None:
    """A secretariat's template written before {{ signature_when }} would print « le [à compléter] »
    in a final document: the build says which line to change instead."""
    old = docx.Document(str(template_path("ctg")))
    runs = [r for p in old.paragraphs for r in p.runs if "{{ signature_when }}" in r.text]
    assert len(runs) == 1
    runs[0].text = runs[0].text.replace("{{ signature_when }}", "le {{ signature_date }}")
    template = tmp_path / "templates" / "ctg.docx"
    template.parent.mkdir()
    old.save(str(template))
    convention = load_convention(dated_by_last_signature(tmp_path / "convention"))
    with pytest.raises(RenderError) as caught:
        render_docx(convention, template)
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.rule == "template.date-wording"
    assert "{{ signature_when }}" in diagnostic.message
    # The same template still serves a convention that states its day.
    text, _ = docx_marked_text(render_docx(load_convention(GEVAUDAN / "ctg.yaml"), template))
    assert "Fait à Marvejols, le 3\u00a0mai\u00a02021, en" in text


def test_diff_names_the_change_of_wording(tmp_path: Path) -> None:
    path = dated_by_last_signature(tmp_path)
    result = CliRunner().invoke(cli, ["diff", str(GEVAUDAN / "ctg.yaml"), str(path)])
    assert "2021-05-03" in result.output and "électronique" in result.output, result.output
