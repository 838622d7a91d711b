"""Drafts are drafts: a date, the period's end or a name left blank reads « [à compléter] », highlighted."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from paraphe.cli.main import cli
from paraphe.manifest.load import load_manifest
from paraphe.pipeline import load_convention
from paraphe.render.docx import render_docx
from support import CASES, docx_marked_text

PRE_BOCAGE = CASES / "real" / "ctg-pre-bocage-2024" / "manifest.yaml"


def _blank(tmp_path: Path, status: str = "draft") -> Path:
    """The Pré-Bocage draft with its period's end, plan date and signature date left blank."""
    data: dict[str, Any] = copy.deepcopy(load_manifest(PRE_BOCAGE).data)
    data["status"] = status
    data["period"]["end"] = "[à compléter]"
    data["plan"] = {"date": "[à compléter]"}
    data["signature"]["date"] = "[à compléter]"
    del data["articles"]  # the template's, whose « Durée » and « Évaluation » quote the period
    path = tmp_path / "manifest.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    return path


def test_a_draft_leaves_the_period_end_and_dates_blank_and_says_where(tmp_path: Path) -> None:
    path = _blank(tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    c = load_convention(path)
    assert c.period.end is None and c.duration == 0 and str(c.period) == "2024-[à compléter]"
    text, marked = docx_marked_text(render_docx(load_convention(path)))
    for phrase in (
        "2024 – [à compléter]",  # the cover
        "conclue pour une durée de [à compléter]. Elle porte sur les années 2024 à [à compléter] incluses.",
        "une évaluation finale est conduite en [à compléter], dernière année",
        "Plan d’actions du [à compléter]",
        "Fait à [à compléter], le [à compléter], en deux exemplaires",
    ):
        assert phrase in text, phrase
    assert marked and all(m == "[à compléter]" for m in marked)
    assert len(marked) >= 12  # names, deliberation, axes, place, date, period end (cover, durée, évaluation), plan


def test_a_final_may_leave_nothing_blank(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(_blank(tmp_path, status="final"))])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if "[final.placeholder]" in line]
    source = path_lines(tmp_path / "manifest.yaml")
    for key in ("end:", "date:"):  # the period's end, the plan's and the signature's dates, each located
        places = [n for n, text in enumerate(source, 1) if text.strip().startswith(key) and "[à compléter]" in text]
        assert places and all(any(f"manifest.yaml:{n}:" in line for line in lines) for n in places), key
    assert len(lines) == 3 + 3 + 1 + 6 + 1  # three dates, three names, the deliberation, six axes, the place


def path_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()
