"""The reviewers' diff: copies of the Lozère SDSF, changed one way at a time, compared on the model."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from conftest import LOZERE, flat, pdf_text
from paraphe.cli.main import cli
from paraphe.diff import TITLE_SIMILARITY, Change, diff_conventions, similarity
from paraphe.diff.format import Header, format_html, format_markdown, format_text
from paraphe.manifest.load import load_manifest
from paraphe.pipeline import load_convention

Edit = Callable[[dict[str, Any]], None]


def lozere() -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(load_manifest(LOZERE).data)
    return data


def write(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    return path


def versions(tmp_path: Path, edit: Edit) -> tuple[Path, Path]:
    """The Lozère SDSF as it is (old) and after `edit` (new), side by side."""
    new = lozere()
    edit(new)
    return write(tmp_path / "old" / "sdsf.yaml", lozere()), write(tmp_path / "new" / "sdsf.yaml", new)


def changes_for(tmp_path: Path, edit: Edit) -> list[Change]:
    old, new = versions(tmp_path, edit)
    return diff_conventions(load_convention(old), load_convention(new))


def summary(changes: list[Change]) -> list[tuple[str, str, str, str | None, str | None]]:
    return [(c.op, c.path, c.field, c.old, c.new) for c in changes]


def axis(data: dict[str, Any], theme: int, number: int) -> list[dict[str, Any]]:
    actions: list[dict[str, Any]] = data["sections"][theme]["sections"][number - 1]["actions"]
    return actions


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["diff", *args])


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
    )
    text = format_text([change])
    assert text == "~ Petite enfance › Axe 1 › Action 6 : calendrier 2021 → 2022\n1 modification.\n"


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


# ---------------------------------------------------------------------- signature page


def test_signatory_replaced(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["signatories"][0]["name"] = "Christine WILS-MOREL"

    assert summary(changes_for(tmp_path, edit)) == [
        ("changed", "Signataires › Madame la Préfète", "name", "Valérie HATSCH", "Christine WILS-MOREL")
    ]


def test_signatory_replaced_under_a_new_id_keeps_its_seat(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["signatories"][4].update(id="dasen-2021", name="Marc DUPONT")

    seat = "Signataires › Monsieur le Directeur Académique des Services de l'Éducation Nationale"
    assert summary(changes_for(tmp_path, edit)) == [
        ("changed", seat, "id", "dasen", "dasen-2021"),
        ("changed", seat, "name", "Alexandre FALCO", "Marc DUPONT"),
    ]


def test_signatory_added_and_removed(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        del data["signatories"][6]  # president-udaf
        data["signatories"].append(
            {
                "id": "directeur-ddcspp",
                "org": "DDCSPP",
                "civility": "Monsieur",
                "role": "Directeur",
                "name": "Jean MARC",
            }
        )

    assert summary(changes_for(tmp_path, edit)) == [
        ("added", "Signataires › Monsieur le Directeur", "", None, "Monsieur le Directeur, Jean MARC (DDCSPP)"),
        ("removed", "Signataires › Monsieur le Président de l'UDAF", "",
         "Monsieur le Président de l'UDAF, Michel CAPONI (UDAF)", None),
    ]  # fmt: skip


def test_signature_date_and_place_changed(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["signature"] = {"place": "Marvejols", "date": "2020-11-16"}

    assert summary(changes_for(tmp_path, edit)) == [
        ("changed", "Signature", "place", "Mende", "Marvejols"),
        ("changed", "Signature", "date", "2020-10-09", "2020-11-16"),
    ]


# ---------------------------------------------------------------------- organisations, metadata, texts


def test_organisation_renamed(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["organisations"]["MSA"] = "Mutualité sociale agricole Languedoc"

    [change] = changes_for(tmp_path, edit)
    assert (change.op, change.path, change.pointer, change.field) == (
        "renamed",
        "Organismes › MSA",
        "/organisations/MSA",
        "name",
    )
    assert (change.old, change.new) == (
        "Mutualité sociale agricole du Languedoc",
        "Mutualité sociale agricole Languedoc",
    )


def test_organisation_acronym_renamed(tmp_path: Path) -> None:
    """A new key for the same body: renamed, and every action citing it shows its new label."""

    def edit(data: dict[str, Any]) -> None:
        data["organisations"] = {
            ("REEL48" if k == "REEL" else k): v for k, v in data["organisations"].items()
        }  # fmt: skip
        for section in data["sections"]:
            for sub in section.get("sections", []):
                for action in sub.get("actions", []):
                    action["actors"] = ["REEL48" if a == "REEL" else a for a in action.get("actors", [])]

    changes = changes_for(tmp_path, edit)
    assert summary(changes)[0] == ("renamed", "Organismes › REEL48", "key", "REEL", "REEL48")
    assert {c.path for c in changes[1:]} == {
        "Développement durable › Axe 1 › Action 1",
        "Développement durable › Axe 1 › Action 2",
    }
    assert all(c.field == "actors" and c.new and c.new.endswith("REEL48") for c in changes[1:])


def test_metadata_period_and_glossary(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["status"] = "draft"
        data["subtitle"] = "Projet soumis au comité de pilotage"
        data["period"]["end"] = 2024
        data["glossary"]["PMI"] = "Protection maternelle et infantile"
        del data["glossary"]["ZRR"]

    assert summary(changes_for(tmp_path, edit)) == [
        ("changed", "Convention", "status", "final", "draft"),
        ("changed", "Convention", "subtitle", None, "Projet soumis au comité de pilotage"),
        ("changed", "Période", "period.end", "2023", "2024"),
        ("added", "Glossaire › PMI", "", None, "Protection maternelle et infantile"),
        ("removed", "Glossaire › ZRR", "", "Zone de revitalisation rurale", None),
    ]


def test_long_text_changed_word_by_word(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["preamble"][1] = data["preamble"][1].replace("outil précieux", "outil indispensable")
        del data["preamble"][9]

    changed, removed = changes_for(tmp_path, edit)
    assert (changed.op, changed.path, changed.pointer, changed.item) == ("changed", "Préambule", "/preamble/1", 2)
    assert [(s.op, s.text) for s in changed.words if s.op != "equal"] == [
        ("delete", "précieux"),
        ("insert", "indispensable"),
    ]
    assert changed.words[0].text.startswith("Il constitue aujourd'hui un outil")
    # Text and Markdown keep eight words around a change; JSON and HTML keep the whole paragraph.
    assert format_text([changed]).splitlines()[0] == (
        "~ Préambule : paragraphe 2 « Il constitue aujourd'hui un outil [-précieux-]{+indispensable+}"
        " dans la promotion de l'égalité des chances dès … »"
    )
    assert (removed.op, removed.pointer, removed.item) == ("removed", "/preamble/9", 10)


def test_section_renamed_and_context_changed(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["sections"][0]["title"] = "Petite enfance (0-3 ans)"
        data["sections"][0]["sections"][2]["title"] = "Soutenir la formation professionnelle continue"
        data["sections"][0]["orientations"]["items"].pop()

    assert summary(changes_for(tmp_path, edit)) == [
        ("renamed", "Petite enfance (0-3 ans)", "title", "Petite enfance", "Petite enfance (0-3 ans)"),
        ("removed", "Petite enfance (0-3 ans)", "orientations.items", "poursuivre le soutien à l'exercice de la "
         "profession d'assistante maternelle.", None),
        ("renamed", "Petite enfance (0-3 ans) › Axe 3", "title", "Soutenir la formation professionnelle",
         "Soutenir la formation professionnelle continue"),
    ]  # fmt: skip


def test_themes_reordered(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["sections"][0], data["sections"][1] = data["sections"][1], data["sections"][0]

    [change] = changes_for(tmp_path, edit)
    assert (change.op, change.path, change.field) == ("reordered", "Plan", "sections")
    assert change.new is not None and change.new.startswith("enfance-jeunesse, petite-enfance, parentalite")


# ---------------------------------------------------------------------- annexes


def pdf(pages: int) -> bytes:
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def with_annex(data: dict[str, Any]) -> None:
    data["annexes"].append({"title": "Délibération du conseil départemental", "file": "annexes/deliberation.pdf"})


def test_annex_file_content_changed(tmp_path: Path) -> None:
    data = lozere()
    with_annex(data)
    old, new = write(tmp_path / "old" / "sdsf.yaml", data), write(tmp_path / "new" / "sdsf.yaml", data)
    for folder, pages in ((old.parent, 1), (new.parent, 2)):
        (folder / "annexes").mkdir()
        (folder / "annexes" / "deliberation.pdf").write_bytes(pdf(pages))
    [change] = diff_conventions(load_convention(old), load_convention(new))
    assert (change.op, change.path, change.pointer, change.field) == (
        "changed",
        "Annexes › Délibération du conseil départemental",
        "/annexes/1/file",
        "content",
    )
    assert change.old and change.new and change.old.startswith("sha256:") and change.old != change.new

    # Same bytes: no change, whatever the file's date.
    shutil.copy(new.parent / "annexes" / "deliberation.pdf", old.parent / "annexes" / "deliberation.pdf")
    assert diff_conventions(load_convention(old), load_convention(new)) == []


def test_annex_added_and_renamed(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["annexes"][0]["title"] = "Glossaire"
        data["annexes"].insert(0, {"title": "Carte du département", "file": "carte.pdf"})

    old, new = versions(tmp_path, edit)
    (new.parent / "carte.pdf").write_bytes(pdf(1))
    assert summary(diff_conventions(load_convention(old), load_convention(new))) == [
        ("added", "Annexes › Carte du département", "", None, "Carte du département (carte.pdf)"),
        ("renamed", "Annexes › Glossaire", "title", "Glossaire des sigles", "Glossaire"),
    ]


# ---------------------------------------------------------------------- formats and exit codes


def several(data: dict[str, Any]) -> None:
    axis(data, 0, 1)[5]["calendar"] = 2022
    axis(data, 0, 4).append({"id": "pe-4-6", "title": "Ouvrir <script>alert(1)</script> & co"})
    data["signatories"][0]["name"] = "Christine WILS-MOREL"


def test_cli_exit_1_and_text(tmp_path: Path) -> None:
    old, new = versions(tmp_path, several)
    result = run(str(old), str(new))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "~ Petite enfance › Axe 1 › Action 6 : calendrier 2021 → 2022",
        "+ Petite enfance › Axe 4 › Action 6 : « Ouvrir <script>alert(1)</script> & co »",
        "~ Signataires › Madame la Préfète : nom « Valérie HATSCH » → « Christine WILS-MOREL »",
        "3 modifications.",
    ]
    assert "\033[" not in result.stdout  # not a terminal: no colour
    coloured = run(str(old), str(new), "--color", "always").stdout
    assert "\033[32m+\033[0m Petite enfance › Axe 4 › Action 6" in coloured


def test_json_format(tmp_path: Path) -> None:
    old, new = versions(tmp_path, several)
    result = run(str(old), str(new), "--format", "json")
    assert result.exit_code == 1
    changes = json.loads(result.stdout)
    assert changes[0] == {
        "op": "changed",
        "path": "Petite enfance › Axe 1 › Action 6",
        "pointer": "/sections/0/sections/0/actions/5/calendar",
        "field": "calendar",
        "old": "2021",
        "new": "2022",
        "theme": "Petite enfance",
    }
    assert [c["op"] for c in changes] == ["changed", "added", "changed"]


def test_markdown_format(tmp_path: Path) -> None:
    old, new = versions(tmp_path, several)
    out = run(str(old), str(new), "--format", "markdown").stdout
    assert out.startswith(
        "### Modifications de la convention « Schéma départemental des services aux familles 2020-2023 »"
    )
    assert (
        "#### Petite enfance\n\n- **Modification** — Petite enfance › Axe 1 › Action 6 : calendrier 2021 → 2022" in out
    )
    assert r"\<script\>alert\(1\)\</script\>" in out
    assert "#### Signataires" in out


def test_html_format_is_standalone_grouped_and_escaped(tmp_path: Path) -> None:
    old, new = versions(tmp_path, several)
    target = tmp_path / "report.html"
    result = run(str(old), str(new), "--format", "html", "--output", str(target))
    assert result.exit_code == 1, result.output
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script>" not in page
    assert "Ouvrir &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert page.count("<h2>") == 2
    assert page.index("<h2>Petite enfance</h2>") < page.index("<h2>Signataires</h2>")


def test_formats_render_words(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["preamble"][1] = data["preamble"][1].replace("outil précieux", "outil indispensable")

    changes = changes_for(tmp_path, edit)
    header = Header("a", "b", "SDSF")
    assert "outil ~~précieux~~**indispensable** dans" in format_markdown(changes, header)
    assert "outil <del>précieux</del><ins>indispensable</ins> dans" in format_html(changes, header)


def test_invalid_manifest_exits_2_with_located_diagnostics(tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", lozere())
    bad = lozere()
    axis(bad, 0, 1)[0]["calendar"] = 2031
    new = write(tmp_path / "new.yaml", bad)
    result = run(str(old), str(new))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{new}:") and line.endswith(
        "error: calendar 2031 is outside the period 2020-2023 [calendar.period]"
    )
    assert "Traceback" not in result.output


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    assert run(str(LOZERE)).exit_code == 2
    assert run(str(LOZERE), str(LOZERE), str(LOZERE)).exit_code == 2
    assert run(str(LOZERE), str(LOZERE), "--rev", "HEAD").exit_code == 2
    assert run(str(LOZERE), str(LOZERE), "--format", "xml").exit_code == 2
    missing = run(str(LOZERE), str(tmp_path / "nowhere.yaml"))
    assert missing.exit_code == 2
    assert "nowhere.yaml: error: not a regular file [io.read]" in missing.stderr


# ---------------------------------------------------------------------- git


def git(repo: Path, *args: str) -> str:
    return git_run(repo, *args).stdout


def git_run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(repo.parent),
    }
    return subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding the Lozère SDSF with a PDF annex, two commits deep."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    folder = root / "conventions" / "lozere"
    data = lozere()
    with_annex(data)
    write(folder / "sdsf.yaml", data)
    (folder / "annexes").mkdir()
    (folder / "annexes" / "deliberation.pdf").write_bytes(pdf(1))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "v1")
    axis(data, 0, 1)[5]["calendar"] = 2022
    write(folder / "sdsf.yaml", data)
    (folder / "annexes" / "deliberation.pdf").write_bytes(pdf(2))
    git(root, "commit", "-q", "-am", "v2")
    monkeypatch.chdir(root)
    return root


MANIFEST = "conventions/lozere/sdsf.yaml"


def test_rev_compares_with_a_revision_in_a_temporary_copy(repo: Path) -> None:
    folder = repo / "conventions" / "lozere"
    assert run(MANIFEST, "--rev", "HEAD").exit_code == 0  # the working file is HEAD's
    result = run(MANIFEST, "--rev", "HEAD~1", "--format", "json")
    assert result.exit_code == 1, result.output
    assert [(c["op"], c["path"], c["field"]) for c in json.loads(result.stdout)] == [
        ("changed", "Petite enfance › Axe 1 › Action 6", "calendar"),
        ("changed", "Annexes › Délibération du conseil départemental", "content"),  # the PDF as it was at HEAD~1
    ]
    assert sorted(p.name for p in folder.iterdir()) == ["annexes", "sdsf.yaml"]  # the temporary copy is gone


def test_rev_range(repo: Path) -> None:
    result = run(MANIFEST, "--rev", "HEAD~1..HEAD")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == "~ Petite enfance › Axe 1 › Action 6 : calendrier 2021 → 2022"
    assert run(MANIFEST, "--rev", "HEAD..HEAD").exit_code == 0


def test_rev_errors_are_located(repo: Path) -> None:
    unknown = run(MANIFEST, "--rev", "nosuchrev")
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith(f"{MANIFEST}: error: cannot read 'sdsf.yaml' at revision 'nosuchrev'")
    assert unknown.stderr.rstrip().endswith("[git.show]")

    data = yaml.safe_load((repo / MANIFEST).read_text(encoding="utf-8"))
    data["signature"]["date"] = "2020-02-30"
    write(repo / MANIFEST, data)
    git(repo, "commit", "-q", "-am", "broken")
    broken = run(MANIFEST, "--rev", "HEAD..HEAD~1")
    assert broken.exit_code == 2
    assert broken.stderr.startswith(f"HEAD:{MANIFEST}:")
    assert broken.stderr.rstrip().endswith("error: '2020-02-30' is not a date of the calendar [date.invalid]")
    assert "Traceback" not in broken.output


# Paths written under a watched folder, seen by an audit hook: it sees a temporary file created and
# removed within the run, which listing the folder before and after cannot.
_WATCHED: list[tuple[Path, list[str]]] = []
_HOOKED = False
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_WRITE_EVENTS = {"os.remove", "os.rename", "os.mkdir", "os.rmdir", "os.symlink", "os.link", "os.truncate"}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _WATCHED:
        return
    if event == "open":
        path, mode, flags = args
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        paths = [path] if writing else []
    elif event in _WRITE_EVENTS:
        paths = list(args)
    else:
        return
    for folder, seen in _WATCHED:
        for path in paths:
            if isinstance(path, str | Path) and Path(os.path.abspath(path)).is_relative_to(folder):
                seen.append(f"{event} {path}")


def tree(folder: Path) -> list[tuple[str, int]]:
    """Every entry under `folder`, hidden ones included, with its modification time."""
    return sorted((str(p.relative_to(folder)), p.stat().st_mtime_ns) for p in [folder, *folder.rglob("*")])


def writes_under(folder: Path, action: Callable[[], Result]) -> tuple[Result, list[str]]:
    """What `action` wrote under `folder`, in this process (the CLI runs in it)."""
    global _HOOKED
    if not _HOOKED:  # a hook stays for the process's life: added once, and only by tests that need it
        sys.addaudithook(_audit)
        _HOOKED = True
    seen: list[str] = []
    _WATCHED.append((folder.resolve(), seen))
    try:
        return action(), seen
    finally:
        _WATCHED.pop()


def test_rev_writes_nothing_beside_the_manifest(repo: Path, tmp_path: Path) -> None:
    folder = repo / "conventions" / "lozere"
    before = tree(folder)
    for rev in ("HEAD~1", "HEAD~1..HEAD"):
        result, written = writes_under(folder, lambda rev=rev: run(MANIFEST, "--rev", rev))
        assert result.exit_code == 1, result.output
        assert written == []
    # As git's diff driver: the two versions come as files elsewhere, the path names the manifest.
    blobs = tmp_path / "blobs"
    blobs.mkdir()
    (blobs / "old").write_bytes(
        subprocess.run(["git", "-C", str(repo), "show", f"HEAD~1:{MANIFEST}"], capture_output=True, check=True).stdout
    )
    (blobs / "new").write_bytes((repo / MANIFEST).read_bytes())
    args = [MANIFEST, str(blobs / "old"), "0" * 40, "100644", str(blobs / "new"), "0" * 40, "100644"]
    result, written = writes_under(folder, lambda: run("--git-external", *args))
    assert "~ Petite enfance › Axe 1 › Action 6 : calendrier 2021 → 2022" in result.stdout
    assert written == []
    assert tree(folder) == before


def test_rev_diagnostics_on_an_invalid_old_version_are_located(repo: Path) -> None:
    """A version that does not validate is named as git names it, at the line and column of the problem."""
    good = (repo / MANIFEST).read_text(encoding="utf-8")
    bad_date = good.replace("date: '2020-10-09'", "date: '2020-02-30'")
    assert bad_date != good
    (repo / MANIFEST).write_text(bad_date, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "a date that does not exist")
    duplicate = good + "kind: sdsf\n"
    (repo / MANIFEST).write_text(duplicate, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "a key twice")
    (repo / MANIFEST).write_text(good, encoding="utf-8")  # the working file is valid: only the old side fails

    line = bad_date.splitlines().index("  date: '2020-02-30'") + 1
    result = run(MANIFEST, "--rev", "HEAD~1")
    assert result.exit_code == 2
    assert result.stderr == (
        f"HEAD~1:{MANIFEST}:{line}:9: error: '2020-02-30' is not a date of the calendar [date.invalid]\n"
    )
    last = len(duplicate.splitlines())
    first = good.splitlines().index("kind: sdsf") + 1
    result = run(MANIFEST, "--rev", "HEAD")
    assert result.exit_code == 2
    assert result.stderr == (
        f"HEAD:{MANIFEST}:{last}:1: error: duplicate key 'kind' (first defined at line {first}) [yaml.duplicate-key]\n"
    )
    assert sorted(p.name for p in (repo / "conventions" / "lozere").iterdir()) == ["annexes", "sdsf.yaml"]


def paraphe_command() -> str:
    command = Path(sys.executable).with_name("paraphe")
    if not command.exists():
        pytest.skip("the paraphe command is not installed in this environment")
    return str(command)


def test_git_diff_driver(repo: Path) -> None:
    """The gitattributes set-up documented in the README, with a real `git diff`."""
    (repo / ".gitattributes").write_text("conventions/**/*.yaml diff=paraphe\n", encoding="utf-8")
    git(repo, "config", "diff.paraphe.command", f"{paraphe_command()} diff --git-external")
    data = yaml.safe_load((repo / MANIFEST).read_text(encoding="utf-8"))
    data["signature"]["place"] = "Marvejols"
    write(repo / MANIFEST, data)

    assert git(repo, "diff").splitlines() == [
        f"paraphe diff a/{MANIFEST} b/{MANIFEST}",
        "~ Signature : lieu Mende → Marvejols",
        "1 modification.",
    ]
    history = git(repo, "log", "-p", "--ext-diff", "--format=%s", "-1", "HEAD")
    assert "~ Petite enfance › Axe 1 › Action 6 : calendrier 2021 → 2022" in history

    # A manifest being written that does not validate: its diagnostics, then the lines.
    (repo / MANIFEST).write_text((repo / MANIFEST).read_text(encoding="utf-8") + "unknown: 1\n", encoding="utf-8")
    shown = git_run(repo, "diff")
    assert "+unknown: 1" in shown.stdout
    assert f"b/{MANIFEST}:" in shown.stderr and "unknown field 'unknown'" in shown.stderr


# ---------------------------------------------------------------------- a CTG: the fields only that kind has

CTG = LOZERE.with_name("ctg-plan-actions-2020.yaml")


def test_ctg_fields_compared_element_by_element(tmp_path: Path) -> None:
    data: dict[str, Any] = copy.deepcopy(load_manifest(CTG).data)
    assert diff_conventions(load_convention(CTG), load_convention(CTG)) == []
    data["court"] = "Montpellier"
    data["parties"][3]["called"] = "la Communauté"
    data["plan"]["stakes"][1]["means"][0] = "en répondant aux besoins, notamment les besoins nouveaux"
    data["markers"]["avs"]["label"] = "Pouvant relever d’un agrément AVS"
    new = write(tmp_path / "ctg.yaml", data)
    shutil.copy(LOZERE.with_name("territories.yaml"), tmp_path / "territories.yaml")
    changes = diff_conventions(load_convention(CTG), load_convention(new))
    assert [(c.op, c.path, c.pointer) for c in changes] == [
        ("changed", "Parties à la convention › la Communauté de communes Cœur de Lozère", "/parties/3/called"),
        ("changed", "Juridiction", "/court"),
        ("changed", "Plan d’actions › La consolidation et l'accessibilité des services", "/plan/stakes/1/means/0"),
        ("changed", "Repères › avs", "/markers/avs/label"),  # and not every legend that cites it
    ]


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


def test_git_diff_driver_leaves_other_yaml_and_new_files_to_lines(repo: Path) -> None:
    (repo / ".gitattributes").write_text("conventions/**/*.yaml diff=paraphe\n", encoding="utf-8")
    git(repo, "config", "diff.paraphe.command", f"{paraphe_command()} diff --git-external")
    listing = repo / "conventions" / "lozere" / "territories.yaml"
    listing.write_text("departement: Lozère\nterritories: [Mende]\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "territories")
    listing.write_text("departement: Lozère\nterritories: [Mende, Marvejols]\n", encoding="utf-8")
    shown = git_run(repo, "diff")
    assert "-territories: [Mende]\n+territories: [Mende, Marvejols]\n" in shown.stdout
    assert shown.stderr == ""

    shown = git_run(repo, "show", "--ext-diff", "--format=", "HEAD")  # the commit that added the file
    assert "+territories: [Mende]" in shown.stdout
    assert shown.stderr == ""
