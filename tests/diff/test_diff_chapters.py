"""A schéma's chapters compared: a sub-part and a change in its table are shown where they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from paraphe.diff import diff_conventions
from paraphe.pipeline import load_convention
from support.diffing import lozere, write


def _with_chapter(cell: str) -> dict[str, Any]:
    data = lozere()
    data["parts"].insert(
        0,
        {
            "title": "Diagnostic territorial",
            "parts": [
                {
                    "title": "L'offre d'accueil",
                    "text": [
                        "Un paragraphe.",
                        {"table": {"columns": ["Mode d'accueil", "Places"], "rows": [["Crèches", cell]]}},
                    ],
                }
            ],
        },
    )
    return data


def _diff(tmp_path: Path, old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, str | None, str | None]]:
    """(op, JSON pointer, old, new) of each change."""
    before, after = write(tmp_path / "old" / "sdsf.yaml", old), write(tmp_path / "new" / "sdsf.yaml", new)
    changes = diff_conventions(load_convention(before), load_convention(after))
    return [(c.op, c.pointer, c.old, c.new) for c in changes]


def test_an_added_chapter_and_its_sub_part_are_each_an_addition(tmp_path: Path) -> None:
    changes = _diff(tmp_path, lozere(), _with_chapter("près de 600"))
    assert [(op, pointer, new) for op, pointer, _old, new in changes if op == "added"] == [
        ("added", "/parts/0", "Diagnostic territorial"),
        ("added", "/parts/0/parts/0", "L'offre d'accueil"),
    ]


def test_a_changed_table_cell_is_a_change_of_the_sub_parts_text(tmp_path: Path) -> None:
    changes = _diff(tmp_path, _with_chapter("près de 600"), _with_chapter("près de 650"))
    assert changes, "the cell's change is seen"
    assert {pointer.rsplit("/", 1)[0] if pointer[-1].isdigit() else pointer for _, pointer, *_ in changes} == {
        "/parts/0/parts/0/text"
    }
    shown = " ".join(str(value) for _op, _pointer, old, new in changes for value in (old, new))
    assert "près de 600" in shown and "près de 650" in shown
