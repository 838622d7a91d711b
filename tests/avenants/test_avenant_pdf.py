"""Avenant n° 1 of the CTG of Gévaudan built by LibreOffice, signed with a throwaway PKI, verified.

The amendment makes four kinds of change at once: the MSA joins, the period runs one more year,
the plan gains two actions and loses one, the article on termination is reworded. pdftotext
reads the avenant; `verify --original` ties it to the signed convention it amends.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from support import TESTS, flat, pdf_text
from support.avenants import ORIGINAL_SIGNATORIES, PEOPLE, Pki, build, run, sign_all


def articles(pdf: Path) -> dict[str, str]:
    """The avenant's articles by heading (« Article 3 – Modification de l'article 1er »), their text flat."""
    text = flat(pdf_text(pdf))
    text = re.sub(r"Avenant n° 1 à la Convention territoriale globale 2021-2024 – .*? \d/\d Empreinte : \w+ ", "", text)
    parts = re.split(r"(Article (?:1er|\d+) – [^.:«]*?)(?= [A-ZÉL«])", text)
    return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def test_one_article_per_change_in_french(avenant_pdf: Path) -> None:
    found = articles(avenant_pdf)
    headings = list(found)
    assert headings[0] == "Article 1er – Objet de l'avenant"
    assert "Article 2 – Parties à la convention" in headings
    purpose = found["Article 1er – Objet de l'avenant"]
    assert "signée le 3 mai 2021, afin :" in purpose
    assert "de prolonger sa durée d'un an, jusqu'au 31 décembre 2025 ;" in purpose
    assert "d'ajouter deux actions à son plan d'actions et d'en supprimer une." in purpose
    # The party joins, with the name the convention gives it, agreed in the feminine.
    assert found["Article 2 – Parties à la convention"] == (
        "La Mutualité sociale agricole du Languedoc, ci-après dénommée « la MSA », devient partie à la convention"
        " à compter de la prise d'effet du présent avenant."
    )
    # The period: the duration article replaced, with its years; « 1er » for the first article.
    duration = found["Article 6 – Modification de l'article 7"]
    assert duration.startswith("L'article 7 – Durée est remplacé par les dispositions suivantes : « La présente")
    assert "durée de cinq ans. Elle porte sur les années 2021 à 2025 incluses. »" in duration
    assert found["Article 3 – Modification de l'article 1er"].startswith("L'article 1er – Objet de la convention est")
    assert (
        "la CCSS, le Département, l'État, la MSA et la Communauté de communes"
        in found["Article 3 – Modification de l'article 1er"]
    )
    # The article reworded in the new manifest, quoted whole.
    termination = found["Article 7 – Modification de l'article 9"]
    assert "délai de deux mois" in termination and "ne met pas fin à la convention entre les autres. »" in termination
    plan = found["Article 8 – Modification du plan d'actions"]
    assert (
        "Au plan d'actions, axe 1, objectif A, est supprimée l'action 2 « Créer un lieu d'accueil enfants-parents »."
        in plan
    )
    assert "Au plan d'actions, axe 1, objectif B, sont ajoutées les actions suivantes : « Action 2 – Organiser" in plan
    assert "Action 3 – Créer un guide des services aux familles Calendrier : 2024 »" in plan
    assert found["Article 10 – Prise d'effet"].startswith("Le présent avenant prend effet le 1er janvier 2025.")
    assert "demeurent inchangées" in found["Article 9 – Autres dispositions"]


def test_nothing_about_what_did_not_change(avenant_pdf: Path) -> None:
    text = " ".join(articles(avenant_pdf).values())
    unchanged_parts = ["micro-crèche", "réseau parentalité", "espace de vie sociale", "Litiges", "Nîmes"]
    unchanged_articles = ["article 2 ", "article 3 ", "article 4 ", "article 8 ", "article 10 "]
    for unchanged in unchanged_parts + unchanged_articles:
        assert unchanged not in text, unchanged


def test_signed_avenant_verifies_complete_with_its_original(
    signed_avenant: Path, signed_original: Path, pki: Pki, on_avenant_day: None
) -> None:
    result = run("verify", str(signed_avenant), "--complete", "--trust", str(pki.root.root_cert),
                 "--original", str(signed_original))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "valid: 6 of 6 signed" in result.output
    original = json.loads(run("verify", str(signed_original), "--format", "json").output)
    assert (
        f"avenant n° 1 to « Convention territoriale globale » (ctg-gevaudan; its signed build {original['fingerprint']}"
        in result.output
    )
    assert f"original {signed_original}: the convention it amends, fully signed" in result.output.replace("\n", " ")
    report = json.loads(
        run("verify", str(signed_avenant), "--format", "json", "--original", str(signed_original)).output
    )
    assert report["amends"]["fingerprint"] == original["fingerprint"]
    assert report["original"] == {"file": str(signed_original), "fingerprint": original["fingerprint"],
                                  "matches": True, "complete": True}  # fmt: skip


def test_another_conventions_signed_pdf_is_refused(
    signed_avenant: Path, pki: Pki, tmp_path: Path, on_avenant_day: None
) -> None:
    """The attack: the avenant presented with a signed convention it does not amend, fully signed and valid."""
    manifest = TESTS / "manifests" / "shapes" / "ctg-axe-objectif-action" / "manifest.yaml"
    other = sign_all(build(manifest, tmp_path / "out"), list(PEOPLE), pki, tmp_path / "other.pdf")
    assert run("verify", str(other), "--complete").exit_code == 0
    result = run("verify", str(signed_avenant), "--complete", "--original", str(other))
    assert result.exit_code == 1
    shown = flat(result.output)
    assert "is not the convention this avenant amends: the avenant amends « Convention territoriale globale »" in shown
    assert f"('ctg-gevaudan') as signed; {other} is 'ctg-test-gevaudan'" in shown
    assert "[verify.amends]" in result.output


def test_an_original_not_fully_signed_is_refused(signed_avenant: Path, signed_original: Path) -> None:
    """The convention as built and signed by four of its five signatories: the one cited, not a signed one."""
    partly = signed_original.with_name(f"ctg-{len(ORIGINAL_SIGNATORIES) - 1}.pdf")
    result = run("verify", str(signed_avenant), "--original", str(partly))
    assert result.exit_code == 1
    assert f"the convention amended, {partly}, is not fully signed and valid" in flat(result.output)
    assert "[verify.original]" in result.output


def test_original_of_a_convention_is_refused(signed_original: Path) -> None:
    result = run("verify", str(signed_original), "--original", str(signed_original))
    assert result.exit_code == 1 and "[verify.not-avenant]" in result.output


def test_avenant_citing_a_pdf_built_from_another_manifest_is_refused(
    gevaudan: Path, avenant_pdf: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "gevaudan"
    shutil.copytree(gevaudan, folder)
    shutil.copyfile(avenant_pdf, folder / "signed" / "not-the-ctg.pdf")
    avenant = folder / "avenant-1.yaml"
    avenant.write_text(avenant.read_text(encoding="utf-8").replace("signed/ctg.pdf", "signed/not-the-ctg.pdf"))
    result = run("build", str(avenant), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "avenant-1.yaml:9:11: error: " in result.output and "was not built from" in result.output
    assert "[avenant.signed]" in result.output
    assert not (tmp_path / "out" / "gevaudan" / "avenant-1.pdf").exists()


def test_avenant_two_amends_the_convention_as_amended(gevaudan: Path, signed_avenant: Path, tmp_path: Path) -> None:
    pdf = build(gevaudan / "avenant-2.yaml", tmp_path)
    text = flat(pdf_text(pdf))
    assert "Avenant n° 2 à la Convention territoriale globale 2021-2024" in text
    assert "Vu l'avenant n° 1 à cette convention, signé le 10 décembre 2024" in text
    assert "signée le 3 mai 2021, telle que modifiée par l'avenant n° 1, afin d'ajouter une action" in text
    assert (
        "Au plan d'actions, axe 2, objectif A, est ajoutée l'action suivante : « Action 2 – Ouvrir un tiers-lieu"
        in text
    )
    assert "MSA devient partie" not in text and "article 7" not in text
    report = json.loads(run("verify", str(pdf), "--format", "json").output)
    assert report["amends"]["number"] == 2
    avenant_one = json.loads(run("verify", str(signed_avenant), "--format", "json").output)
    assert report["amends"]["state"] == avenant_one["amends"]["result"]  # n° 2 amends what n° 1 led to


def test_consolidated_copy_is_the_new_convention_marked(
    gevaudan: Path, avenant_pdf: Path, pki: Pki, tmp_path: Path
) -> None:
    """`build --consolidated`: a fresh build of the new manifest, apart from its marks; no signature field."""
    result = run("build", "--consolidated", str(gevaudan / "avenant-1.yaml"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    consolidated = tmp_path / "out" / "gevaudan" / "avenant-1-consolidee.pdf"
    fresh = build(gevaudan / "ctg-after-avenant-1.yaml", tmp_path / "fresh")
    mark = "Version consolidée intégrant l'avenant n° 1 du 10 décembre 2024 – copie de lecture, ne vaut pas original"
    pages = [flat(page) for page in pdf_text(consolidated).split("\f") if page.strip()]
    assert pages and all(page.startswith(mark) for page in pages)
    assert flat(pdf_text(consolidated)).replace(mark + " ", "") == flat(pdf_text(fresh))
    report = json.loads(run("verify", str(consolidated), "--format", "json").output)
    assert report["fingerprint"] == json.loads(run("verify", str(fresh), "--format", "json").output)["fingerprint"]
    assert report["draft"] is True and report["pending"] == []  # not to be signed: no field to sign
    refused = run("sign", str(consolidated), str(tmp_path / "signed.pdf"), "--signatory", "president-cc",
                  "--pkcs12", str(pki.people["president-cc"].pkcs12))  # fmt: skip
    assert refused.exit_code == 1 and "[sign.draft]" in refused.output


def test_consolidated_copy_is_rebuilt_when_what_it_reads_changes(gevaudan: Path, tmp_path: Path) -> None:
    """Reused while nothing changed; rebuilt when the avenant, or a convention it reads, changes."""
    folder = tmp_path / "gevaudan"
    shutil.copytree(gevaudan, folder)
    out = tmp_path / "out"

    def consolidate() -> str:
        result = run("build", "--consolidated", str(folder / "avenant-1.yaml"), "--out", str(out))
        assert result.exit_code == 0, result.output
        return result.output.splitlines()[-1]

    assert consolidate().startswith("1 built, 0 reused")
    assert consolidate().startswith("0 built, 1 reused")
    amended = folder / "ctg-after-avenant-1.yaml"
    amended.write_text(amended.read_text(encoding="utf-8") + "# relu\n", encoding="utf-8")
    assert consolidate().startswith("1 built, 0 reused")
    avenant = folder / "avenant-1.yaml"
    avenant.write_text(avenant.read_text(encoding="utf-8") + "# relu\n", encoding="utf-8")
    assert consolidate().startswith("1 built, 0 reused")
    assert consolidate().startswith("0 built, 1 reused")
