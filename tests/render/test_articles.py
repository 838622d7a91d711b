"""A CTG's articles: the template's by default; reworded, removed, reordered, added and numbered by the manifest."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from paraphe.manifest.articles import article_number
from paraphe.manifest.load import load_manifest
from paraphe.pipeline import load_convention
from paraphe.render.docx import render_docx
from support import ROOT, docx_text, flat

CTG = ROOT / "conventions" / "lozere" / "ctg-plan-actions-2020.yaml"

REWRITTEN: list[Any] = [
    {"key": "duration", "title": "Durée de la convention", "paragraphs": ["La convention court jusqu'en 2024."]},
    "purpose",
    {"key": "fields", "omit": True},
    {"key": "diagnostic", "title": "Le territoire"},
    {
        "key": "financement",
        "title": "Engagements financiers",
        "paragraphs": [
            "Les parties mobilisent leurs crédits de droit commun.",
            {"text": "La Caf finance :", "items": ["les établissements d'accueil", "les accueils de loisirs"]},
        ],
    },
    {"key": "commitments", "number": "4 bis"},
    "steering",
    {"key": "evaluation", "omit": True},
    {"key": "amendment", "omit": True},
    "termination",
    "disputes",
]


def _ctg(tmp_path: Path, **fields: Any) -> Path:
    data = copy.deepcopy(load_manifest(CTG).data)
    data.update(fields)
    path = tmp_path / "ctg.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    return path


def _text(path: Path, tmp_path: Path) -> str:
    docx = tmp_path / "out.docx"
    docx.write_bytes(render_docx(load_convention(path)))
    return flat(docx_text(docx))


def test_the_template_articles_by_default() -> None:
    articles = load_convention(CTG).articles
    assert [a.heading for a in articles][6] == "Article 7 – Durée"
    assert [a.number for a in articles] == [str(n) for n in range(1, 11)]
    assert all(a.template_wording for a in articles)


def test_articles_reworded_removed_reordered_and_added(tmp_path: Path) -> None:
    c = load_convention(_ctg(tmp_path, articles=REWRITTEN))
    assert [(a.key, a.number) for a in c.articles] == [
        ("duration", "1"),
        ("purpose", "2"),
        ("diagnostic", "3"),
        ("financement", "4"),
        ("commitments", "4 bis"),
        ("steering", "5"),
        ("termination", "6"),
        ("disputes", "7"),
    ]
    duration = c.article("duration")
    assert duration is not None and duration.heading == "Article 1 – Durée de la convention"
    assert not duration.template_wording and c.article("evaluation") is None

    text = _text(tmp_path / "ctg.yaml", tmp_path)
    headings = ["Article 1 – Durée de la convention", "Article 2 – Objet de la convention", "Article 3 – Le territoire"]
    headings += ["Article 4 – Engagements financiers", "Article 4 bis – Engagements des parties"]
    positions = [text.find(h) for h in headings]
    assert -1 not in positions and positions == sorted(positions)
    # The manifest's wording replaces the template's; the template's stays where it is not reworded.
    assert "La convention court jusqu'en 2024." in text and "conclue pour une durée de" not in text
    assert "Elle a pour objet :" in text
    assert "La Caf finance : les établissements d'accueil les accueils de loisirs" in text
    # Removed articles are gone; the generated content of a moved, retitled article follows it.
    assert "Champs d'intervention" not in text and "Évaluation" not in text and "avenant numéroté" not in text
    diagnostic = text.index("Article 3 – Le territoire")
    assert text.index("Les parties ont établi ensemble un diagnostic", diagnostic) < positions[3]
    assert "dans le plan d'actions (article 4 bis)." in text


def test_numbering_and_heading_as_the_document_writes_them(tmp_path: Path) -> None:
    path = _ctg(tmp_path, article_numbering="first", article_heading="ARTICLE {number} : {title}")
    assert [a.heading for a in load_convention(path).articles][:2] == [
        "ARTICLE 1er : Objet de la convention",
        "ARTICLE 2 : Champs d'intervention",
    ]
    assert "ARTICLE 1er : Objet de la convention" in _text(path, tmp_path)


@pytest.mark.parametrize(("position", "numbering", "printed"), [(1, "first", "1er"), (9, "upper-roman", "IX")])
def test_article_numbers(position: int, numbering: str, printed: str) -> None:
    assert article_number(position, numbering) == printed
