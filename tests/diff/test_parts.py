"""The other parts of a convention compared on the model: signatories, organisations, texts, annexes, CTG fields."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

from paraphe.diff import diff_conventions
from paraphe.diff.format import format_text
from paraphe.manifest.load import load_manifest
from paraphe.pipeline import load_convention
from support import LOZERE
from support.diffing import changes_for, lozere, pdf, summary, versions, with_annex, write

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
