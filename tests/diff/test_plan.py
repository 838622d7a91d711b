"""The plan of a convention compared on the model: actions added, removed, moved, renamed, reordered."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from paraphe.diff import TITLE_SIMILARITY, Change, diff_conventions, similarity
from paraphe.diff.format import Header, format_text, md_escape, render
from paraphe.pipeline import load_convention
from support import LOZERE
from support.diffing import axis, changes_for, lozere, run, summary, write

# ---------------------------------------------------------------------- no change


def test_manifest_against_itself_is_no_change() -> None:
    result = run(str(LOZERE), str(LOZERE))
    assert result.exit_code == 0, result.output
    assert result.stdout == "Aucune modification.\n"


def test_rewritten_copy_is_no_change(tmp_path: Path) -> None:
    """Comments, quoting and key order are not changes: the model is compared, not the text."""
    copied = write(tmp_path / "sdsf.yaml", lozere())
    assert copied.read_text(encoding="utf-8") != LOZERE.read_text(encoding="utf-8")
    assert diff_conventions(load_convention(LOZERE), load_convention(copied)) == []
    assert run(str(LOZERE), str(copied), "--format", "json").stdout == "[]\n"


# ---------------------------------------------------------------------- actions


def test_calendar_moved(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        axis(data, 0, 1)[5]["calendar"] = 2022  # pe-1-6, 2021

    [change] = changes_for(tmp_path, edit)
    assert change == Change(
        op="changed",
        path="Petite enfance › Axe 1 › Action 6",
        pointer="/sections/0/sections/0/actions/5/calendar",
        field="calendar",
        old="2021",
        new="2022",
        theme="Petite enfance",
        title="faciliter les remplacements entre assistants maternels exerçant en MAM",
    )
    text = format_text([change])
    assert text == (
        "~ Petite enfance › Axe 1 › Action 6 « faciliter les remplacements entre assistants maternels exerçant en MAM »"
        " : calendrier 2021 → 2022\n1 modification.\n"
    )


def test_action_added_at_the_end(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        axis(data, 0, 4).append({"id": "pe-4-6", "title": "Créer un guichet unique", "calendar": 2022})

    assert summary(changes_for(tmp_path, edit)) == [
        ("added", "Petite enfance › Axe 4 › Action 6", "", None, "Créer un guichet unique")
    ]


def test_action_inserted_first_renumbers_without_reordering(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        axis(data, 0, 4).insert(0, {"id": "pe-4-0", "title": "Créer un guichet unique"})

    [change] = changes_for(tmp_path, edit)
    assert (change.op, change.path, change.pointer) == (
        "added",
        "Petite enfance › Axe 4 › Action 1",
        "/sections/0/sections/3/actions/0",
    )


def test_action_removed(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        del axis(data, 1, 1)[0]  # ej-1-1

    [change] = changes_for(tmp_path, edit)
    assert change.op == "removed"
    assert change.path == "Enfance – Jeunesse › Axe 1 › Action 1"
    assert change.pointer == "/sections/1/sections/0/actions/0"  # in the old manifest
    assert change.old is not None and change.old.startswith("Sensibiliser et informer les élus")
    assert change.new is None


def test_action_moved_to_another_axis(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        action = axis(data, 0, 2).pop(2)  # pe-2-3, Axe 2 › Action 3
        axis(data, 0, 3).append(action)  # → Axe 3 › Action 5

    [change] = changes_for(tmp_path, edit)
    assert summary([change]) == [
        (
            "moved",
            "Petite enfance › Axe 3 › Action 5",
            "",
            "Petite enfance › Axe 2 › Action 3",
            "Petite enfance › Axe 3 › Action 5",
        )
    ]
    assert change.old_pointer == "/sections/0/sections/1/actions/2"
    assert change.pointer == "/sections/0/sections/2/actions/4"
    # Which action moved, by its title, in every format (issue 17: « Action 5 : déplacement » alone says nothing).
    title = change.title
    assert title == "Familles monoparentales :"
    header = Header("a.yaml", "b.yaml", "SDSF")
    moved = f"> Petite enfance › Axe 3 › Action 5 « {title} » : déplacement depuis Petite enfance › Axe 2 › Action 3"
    assert moved in render([change], "text", header)
    assert md_escape(f"Petite enfance › Axe 3 › Action 5 « {title} »") in render([change], "markdown", header)
    assert json.loads(render([change], "json", header))[0]["title"] == title
    page = render([change], "html", header)
    assert f"<q>{html.escape(title)}</q>" in page


def test_action_moved_to_another_theme_and_changed(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        action = axis(data, 0, 1).pop(0)  # pe-1-1
        action["calendar"] = "2021-2023"
        axis(data, 2, 1).append(action)

    ops = summary(changes_for(tmp_path, edit))
    assert ops[0][:2] == ("moved", "Parentalité › Axe 1 › Action 5")
    assert ops[1] == ("changed", "Parentalité › Axe 1 › Action 5", "calendar", "2020-2023", "2021-2023")
    assert len(ops) == 2


def test_action_renamed_with_word_diff(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        axis(data, 0, 4)[1]["title"] = (
            "Mettre en place des réunions trimestrielles avec les représentants des associations"
            " représentantes des assistants maternels"
        )

    [change] = changes_for(tmp_path, edit)
    assert (change.op, change.path, change.field) == ("renamed", "Petite enfance › Axe 4 › Action 2", "title")
    assert [(s.op, s.text) for s in change.words if s.op != "equal"] == [
        ("delete", "régulières"),
        ("insert", "trimestrielles"),
    ]
    assert "réunions [-régulières-]{+trimestrielles+} avec" in format_text([change])


def test_changed_id_is_matched_by_title(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        axis(data, 0, 3)[0]["id"] = "pe-formation-continue"

    assert summary(changes_for(tmp_path, edit)) == [
        ("changed", "Petite enfance › Axe 3 › Action 1", "id", "pe-3-1", "pe-formation-continue")
    ]


def test_title_similarity_threshold_is_pinned(tmp_path: Path) -> None:
    assert TITLE_SIMILARITY == 0.75
    title = "Mettre en place des réunions régulières avec les représentants des associations"
    close = "Mettre en place des réunions trimestrielles avec les représentants des associations"
    far = "Mettre en place des permanences avec les familles du département"
    assert similarity(title, close) >= TITLE_SIMILARITY > similarity(title, far)
    assert similarity("L'action", "l’ACTION") == 1.0

    def edit_close(data: dict[str, Any]) -> None:
        axis(data, 0, 4)[1].update(id="pe-4-reunions", title=close + " représentantes des assistants maternels")

    ops = [(c.op, c.field) for c in changes_for(tmp_path / "close", edit_close)]
    assert ops == [("renamed", "title"), ("changed", "id")]

    def edit_far(data: dict[str, Any]) -> None:
        axis(data, 0, 4)[1].update(id="pe-4-permanences", title=far)

    ops = [(c.op, c.field) for c in changes_for(tmp_path / "far", edit_far)]
    assert sorted(ops) == [("added", ""), ("removed", "")]


# ---------------------------------------------------------------------- lists reordered


def test_actions_reordered(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        actions = axis(data, 0, 4)
        actions[2], actions[3] = actions[3], actions[2]

    assert summary(changes_for(tmp_path, edit)) == [
        (
            "reordered",
            "Petite enfance › Axe 4",
            "actions",
            "pe-4-1, pe-4-2, pe-4-3, pe-4-4, pe-4-5",
            "pe-4-1, pe-4-2, pe-4-4, pe-4-3, pe-4-5",
        )
    ]


def test_results_and_actors_reordered(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        action = axis(data, 0, 1)[4]  # pe-1-5
        action["results"].reverse()
        action["actors"].reverse()

    assert summary(changes_for(tmp_path, edit)) == [
        ("reordered", "Petite enfance › Axe 1 › Action 5", "results", "1, 2", "2, 1"),
        ("reordered", "Petite enfance › Axe 1 › Action 5", "actors", "CCSS, Département", "Département, CCSS"),
    ]


def test_signatories_reordered(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["signatories"].insert(0, data["signatories"].pop(3))  # the Présidente du Département first

    [change] = changes_for(tmp_path, edit)
    assert (change.op, change.path, change.field) == ("reordered", "Signataires", "signatories")
    assert change.new is not None and change.new.startswith("presidente-departement, prefete, ")
