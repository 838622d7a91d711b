"""`paraphe diff` on a CTG's articles: each shown by its printed heading, never as raw values."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from paraphe.diff import diff_conventions
from paraphe.manifest.load import load_manifest
from paraphe.pipeline import load_convention
from support import CASES
from support.diffing import summary, write

PRE_BOCAGE = CASES / "real" / "ctg-pre-bocage-2024" / "manifest.yaml"


def _versions(tmp_path: Path) -> tuple[Path, Path]:
    old: dict[str, Any] = copy.deepcopy(load_manifest(PRE_BOCAGE).data)
    new = copy.deepcopy(old)
    articles = new["articles"]
    articles[6] = {"key": "duration", "paragraphs": ["La présente convention est conclue pour cinq ans."]}
    articles[7] = {"key": "amendment", "omit": True}
    articles.append({"key": "communication", "title": "Communication", "paragraphs": [{"items": ["Logo de la Caf"]}]})
    return write(tmp_path / "old" / "manifest.yaml", old), write(tmp_path / "new" / "manifest.yaml", new)


def test_articles_added_removed_renumbered_and_reworded(tmp_path: Path) -> None:
    old, new = _versions(tmp_path)
    changes = [c for c in diff_conventions(load_convention(old), load_convention(new)) if c.theme == "Articles"]
    assert summary(changes) == [
        (
            "changed",
            "Articles › Article 6 – Durée",
            "paragraphs",
            "La présente convention est conclue pour la période du 1er janvier 2024 au 31 décembre 2028.",
            "La présente convention est conclue pour cinq ans.",
        ),
        (
            "changed",
            "Articles › Article 7 – Résiliation",
            "heading",
            "Article 8 – Résiliation",
            "Article 7 – Résiliation",
        ),
        ("changed", "Articles › Article 8 – Litiges", "heading", "Article 9 – Litiges", "Article 8 – Litiges"),
        ("added", "Articles › Article 9 – Communication", "", None, "Article 9 – Communication – Logo de la Caf"),
        (
            "removed",
            "Articles › Article 7 – Modification par avenant",
            "",
            "Article 7 – Modification par avenant (texte du modèle)",
            None,
        ),
    ]
    assert [c.pointer for c in changes][-2:] == ["/articles/10", "/articles/7"]
