"""An avenant's model and text without LibreOffice: its articles, its chain, hand-written articles, git.

The PDFs (build, sign, verify, consolidated copy) are in test_avenant_pdf.py; the diagnostics of
each rule, to the letter, in tests/cases/invalid/avenant-* and tests/cases/warnings/avenant-*.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from paraphe import pipeline
from paraphe.cli.main import cli
from paraphe.errors import ManifestError
from paraphe.manifest.model import Convention
from support import MINIMAL, require
from support.avenants import GEVAUDAN


def texts(avenant: Convention) -> dict[str, list[str]]:
    assert avenant.amendment is not None
    return {a.title: [p.text for p in a.paragraphs] for a in avenant.amendment.articles}


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    shutil.copytree(GEVAUDAN, tmp_path / "gevaudan")
    return tmp_path / "gevaudan"


def test_one_article_per_change_and_per_article_of_the_convention_changed() -> None:
    avenant = pipeline.load_convention(GEVAUDAN / "avenant-1.yaml")
    assert (
        avenant.kind == "avenant"
        and avenant.title == "Avenant n°\u00a01 à la Convention territoriale globale 2021-2024"
    )
    assert list(texts(avenant)) == [
        "Objet de l’avenant",
        "Parties à la convention",
        "Modification de l’article 1er",  # its list of parties
        "Modification de l’article 5",  # the steering committee's members
        "Modification de l’article 6",  # the final evaluation's year
        "Modification de l’article 7",  # the duration
        "Modification de l’article 9",  # reworded
        "Modification du plan d’actions",
        "Autres dispositions",
        "Prise d’effet",
    ]
    assert avenant.amendment is not None
    covers = {key for article in avenant.amendment.articles for key in article.covers}
    assert covers == {"parties/MSA", "period", "plan/a2", "plan/a5", "plan/a6"} | {
        f"articles/{key}" for key in ("purpose", "steering", "evaluation", "duration", "termination")
    }
    assert avenant.warnings == ()
    # The MSA signs the avenant it joins by: the signatories are the new version's.
    assert [s.id for s in avenant.signatories][-2:] == ["directrice-msa", "president-cc"]


def test_avenant_two_cites_the_first_and_amends_what_it_led_to() -> None:
    first = pipeline.load_convention(GEVAUDAN / "avenant-1.yaml")
    second = pipeline.load_convention(GEVAUDAN / "avenant-2.yaml")
    assert first.amendment is not None and second.amendment is not None
    assert second.amendment.amends == first.amendment.result
    assert [e.number for e in second.amendment.earlier] == [1]
    assert second.visas[1] == "l’avenant n°\u00a01 à cette convention, signé le 10\u00a0décembre\u00a02024"
    assert list(texts(second)) == [
        "Objet de l’avenant", "Modification du plan d’actions", "Autres dispositions", "Prise d’effet",
    ]  # fmt: skip
    assert texts(second)["Autres dispositions"] == [
        "Les autres dispositions de la convention, telle que modifiée par l’avenant n°\u00a01, non modifiées par le"
        " présent avenant demeurent inchangées et continuent de s’appliquer."
    ]
    assert texts(second)["Prise d’effet"] == [
        "Le présent avenant prend effet à la date de sa signature par l’ensemble des parties."
    ]


def test_a_hand_written_article_takes_the_place_of_what_it_covers(folder: Path) -> None:
    avenant = folder / "avenant-1.yaml"
    avenant.write_text(
        avenant.read_text(encoding="utf-8")
        + "purpose:\n  - Le présent avenant intègre la MSA et prolonge la convention d'un an.\n"
        + "articles:\n"
        + "  - title: Durée de la convention\n"
        + "    covers: [period, articles/duration, articles/evaluation]\n"
        + "    text:\n      - La convention est prolongée d'un an, jusqu'au 31 décembre 2025.\n"
        + "  - title: Communication\n"
        + "    text:\n      - Les parties font mention de la présente convention dans leurs publications.\n",
        encoding="utf-8",
    )
    found = texts(pipeline.load_convention(avenant))
    titles = list(found)
    assert found["Objet de l’avenant"] == ["Le présent avenant intègre la MSA et prolonge la convention d'un an."]
    assert "Modification de l’article 6" not in titles and "Modification de l’article 7" not in titles
    # In the place of the first article it covers (the 6th's), the one with no key before the closing ones.
    assert titles.index("Durée de la convention") == titles.index("Modification de l’article 5") + 1
    assert titles[-3:] == ["Communication", "Autres dispositions", "Prise d’effet"]


def test_the_states_read_at_git_revisions(folder: Path) -> None:
    """The convention as signed at a tag, its new version the same file as edited since."""
    git = require("git")
    env = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([git, "init", "-q", str(folder)], check=True)
    subprocess.run([git, "-C", str(folder), *env, "add", "-A"], check=True)
    subprocess.run([git, "-C", str(folder), *env, "commit", "-qm", "signed"], check=True)
    subprocess.run([git, "-C", str(folder), "tag", "signee"], check=True)
    shutil.copyfile(folder / "ctg-after-avenant-1.yaml", folder / "ctg.yaml")
    avenant = folder / "avenant-1.yaml"
    avenant.write_text(
        avenant.read_text(encoding="utf-8")
        .replace("  manifest: ctg.yaml\n", "  manifest: ctg.yaml\n  revision: signee\n")
        .replace("ctg-after-avenant-1.yaml", "ctg.yaml"),
        encoding="utf-8",
    )
    from_git = pipeline.load_convention(avenant)
    assert texts(from_git) == texts(pipeline.load_convention(GEVAUDAN / "avenant-1.yaml"))
    assert from_git.amendment is not None
    assert [p.name for p, _ in from_git.amendment.reads] == ["ctg.yaml"]  # the working file, not the tag's


def test_a_convention_without_articles_gets_a_duration_article(tmp_path: Path) -> None:
    """An SDSF prints no « Durée » article to replace: the avenant says the new period itself."""
    shutil.copyfile(MINIMAL, tmp_path / "sdsf.yaml")
    text = MINIMAL.read_text(encoding="utf-8").replace("  end: 2023\n", "  end: 2025\n")
    (tmp_path / "sdsf-2025.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "avenant.yaml").write_text(
        "id: sdsf-avenant-1\nkind: avenant\nstatus: draft\nnumber: 1\namends: {manifest: sdsf.yaml}\n"
        "amended: {manifest: sdsf-2025.yaml}\nsignature: {place: Mende}\n",
        encoding="utf-8",
    )
    found = texts(pipeline.load_convention(tmp_path / "avenant.yaml"))
    assert found["Durée de la convention"] == [
        "La convention est prolongée de deux ans : sa durée est portée de quatre à six ans et elle porte désormais"
        " sur les années 2020 à 2025 incluses."
    ]
    assert "de prolonger sa durée de deux ans, jusqu’au 31 décembre 2025." in found["Objet de l’avenant"][0]


def test_validate_and_diff_treat_avenants_as_manifests(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(cli, ["validate", "--format", "json", "."])
    assert result.exit_code == 0, result.output
    assert all(report["valid"] for report in json.loads(result.stdout))  # versions of one convention: one id
    later = folder / "later"
    later.mkdir()
    text = (folder / "avenant-1.yaml").read_text(encoding="utf-8").replace("manifest: ctg", "manifest: ../ctg")
    (later / "avenant-1.yaml").write_text(text.replace('"2025-01-01"', '"2025-03-01"'), encoding="utf-8")
    diff = CliRunner().invoke(cli, ["diff", "--format", "json", "avenant-1.yaml", "later/avenant-1.yaml"])
    assert diff.exit_code == 1, diff.output  # as diff(1): changes found
    changed = {(c["field"], c["old"], c["new"]) for c in json.loads(diff.stdout)}
    assert ("effective", "2025-01-01", "2025-03-01") in changed


def test_an_avenant_is_not_loaded_as_a_convention() -> None:
    from paraphe.manifest.convention import load_convention

    with pytest.raises(ManifestError) as raised:
        load_convention(GEVAUDAN / "avenant-1.yaml")
    assert [d.rule for d in raised.value.diagnostics] == ["avenant.kind"]


def test_the_val_de_l_eyre_amendment_as_a_secretariat_writes_it() -> None:
    """The public avenant's amendment (tests/avenants/README.md): commitments rewritten, the scheme's actions added."""
    avenant = pipeline.load_convention(GEVAUDAN.parent / "val-de-l-eyre" / "avenant-1.yaml")
    found = texts(avenant)
    signed = "signée le 1er\u00a0janvier\u00a02020"
    assert avenant.visas == (f"la Convention territoriale globale des communes du Val de l'Eyre 2020-2023, {signed}",)
    assert found["Objet de l’avenant"][1:] == [
        "de modifier son article 4 (Engagements des parties et plan d'actions) ;",
        "d’ajouter deux actions à son plan d’actions.",
    ]
    commitments = found["Modification de l’article 4"]
    assert commitments[0] == (
        "L’article 4 – Engagements des parties et plan d'actions est remplacé par les dispositions suivantes :"
    )
    assert "Les cinq communes du Val de l’Eyre s’engagent à :" in commitments
    assert found["Modification du plan d’actions"][0] == "Au plan d’actions, axe 1, est ajoutée l’action suivante :"
