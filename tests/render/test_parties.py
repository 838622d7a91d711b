"""Party paragraphs as real conventions write them: plural, role first, habilité, no date yet, seat, visas' place."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from paraphe.french import definite, possessive
from paraphe.manifest.model import Authority, Deliberation, Opening, Organisation, Party, Signatory
from paraphe.manifest.organisations import organisation_type
from paraphe.render.parties import deliberation_text, party_text, running_name
from paraphe.render.typography import fr_text
from support import CASES

CAF = Organisation("Caf", "Caf", "Caisse d'allocations familiales de la Nièvre", True, "caf")
CC = Organisation("CC Bazois", "Communauté de communes du Bazois", "Communauté de communes du Bazois", False, "epci")
A = Organisation("Ayen", "Commune d'Ayen", "Commune d'Ayen", False, "commune")
B = Organisation("Dampniat", "Commune de Dampniat", "Commune de Dampniat", False, "commune")


def person(org: Organisation, civility: str, role: str, name: str, designation: str | None = None) -> Signatory:
    return Signatory(name.lower().replace(" ", "-"), org, civility, role, name, designation=designation)


def party(org: Organisation, name: str, *people: Signatory, **kwargs: object) -> Party:
    fields: dict[str, object] = {
        "feminine": True,
        "called": None,
        "side": None,
        "deliberation": None,
        "commitments": (),
        "members": (org,),
    }
    fields.update(kwargs)
    return Party(org, name, representatives=people, **fields)  # type: ignore[arg-type]


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_role_first_short_civilities_habilitee_with_the_party_purpose_after_a_dated_deliberation() -> None:
    caf = party(
        CAF,
        "la Caisse des Allocations Familiales de la Nièvre",
        person(
            CAF,
            "Monsieur",
            "Président du Conseil d'administration",
            "Jean RAKOTO",
            "le président de son Conseil d'Administration",
        ),
        person(CAF, "Monsieur", "Directeur par intérim", "Luc BUCHON", "le directeur par intérim"),
        called="la Caf",
        deliberation=Deliberation("le Conseil d'Administration", dt.date(2016, 10, 14)),
        authority=Authority("habilité", "party", "à signer la présente convention", purpose_last=True),
    )
    text = plain(party_text(caf, Opening(layout="list", representatives="role-first", civility="short")))
    assert text == plain(
        fr_text(
            "La Caisse des Allocations Familiales de la Nièvre, représentée par le président de son Conseil "
            "d'Administration, M. Jean RAKOTO, et par le directeur par intérim, M. Luc BUCHON, dûment habilitée "
            "par délibération du Conseil d'Administration du 14 octobre 2016, à signer la présente convention, "
            "ci-après dénommée « la Caf » ;"
        )
    )


def test_a_draft_deliberation_without_date_is_left_to_complete_and_a_short_name_without_article_reads_right() -> None:
    cc = party(
        CC,
        "la Communauté de Communes du Bazois",
        person(CC, "Madame", "Présidente", "Dominique JOYEUX"),
        called="Communauté de Communes du Bazois",
        deliberation=Deliberation("le Conseil Communautaire", None, "[à compléter]"),
        authority=Authority("habilité"),
    )
    text = plain(party_text(cc, Opening(layout="list", representatives="role-first", civility="short")))
    assert "représentée par sa Présidente, Mme Dominique JOYEUX, dûment habilitée par délibération du Conseil " in text
    assert "du Conseil Communautaire du [à compléter], ci-après dénommée « Communauté de Communes du Bazois » ;" in text
    assert running_name(cc) == "la Communauté de Communes du Bazois"


def test_plural_party_is_agreed_in_the_plural_throughout() -> None:
    communes = party(
        A,
        "les communes d'Ayen et de Dampniat",
        person(A, "Monsieur", "Maire", "Paul X"),
        person(B, "Madame", "Maire", "Anne Y"),
        members=(A, B),
        called="les communes",
        represented_by="leurs maires respectifs",
        deliberation=Deliberation("les conseils municipaux", None),
    )
    text = plain(party_text(communes))
    assert text == plain(
        fr_text(
            "Les communes d'Ayen et de Dampniat, représentées par leurs maires respectifs, dûment autorisés "
            "par délibérations des conseils municipaux, ci-après dénommées « les communes »,"
        )
    )
    assert running_name(communes) == "les communes"


def test_seat_and_no_deliberation_but_an_authority() -> None:
    caf = party(
        CAF,
        "la Caisse d'allocations familiales de la Corrèze",
        person(CAF, "Madame", "Directrice", "Anne RUFF"),
        seat="1 rue de la Caf, 19000 Tulle",
        authority=Authority(purpose="à signer la présente convention"),
    )
    text = plain(party_text(caf, Opening(representatives="role-first")))
    assert "Corrèze, dont le siège est situé 1 rue de la Caf, 19000 Tulle, représentée par sa Directrice, " in text
    assert text.endswith("Madame Anne RUFF, dûment autorisée à signer la présente convention,")


def test_deliberation_forms() -> None:

    assert deliberation_text(Deliberation("le conseil communautaire", dt.date(2021, 3, 1))) == (
        "par délibération du conseil communautaire du 1er\u00a0mars\u00a02021"
    )
    assert deliberation_text(Deliberation("le Conseil municipal", None)) == "par délibération du Conseil municipal"
    assert deliberation_text(Deliberation("les assemblées délibérantes", None)) == (
        "par délibérations des assemblées délibérantes"
    )


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("SIVOM d'Ayen", {"label": "SIVOM d'Ayen"}, "syndicat"),
        ("CARSAT", "Caisse d'assurance retraite et de la santé au travail Bourgogne-Franche-Comté", "carsat"),
        ("CRMSAB", "Caisse régionale de mutualité sociale agricole de Bourgogne", "msa"),
        ("Caf", "Caisse des Allocations familiales de la Corrèze", "caf"),
        ("Commune de Brive", {"label": "Commune de Brive-la-Gaillarde"}, "commune"),
        ("CABB", "Communauté d'agglomération du Bassin de Brive", "epci"),
        ("Région", {"label": "Région Occitanie"}, "region"),
        ("UDAF", "Union départementale des associations familiales de la Drôme", "association"),
        ("Département", {"label": "Département", "name": "Conseil départemental de la Nièvre"}, "departement"),
        ("DDETS", "Direction départementale de l'emploi, du travail et des solidarités", "etat"),
    ],
)
def test_every_body_has_its_own_type(key: str, value: object, expected: str) -> None:
    assert organisation_type(key, value) == expected


def test_french_helpers() -> None:
    assert definite("Communauté de Communes du Bazois", feminine=True) == "la Communauté de Communes du Bazois"
    assert definite("La CABB", feminine=True) == "la CABB"
    assert definite("Agglo", feminine=True) == "l'Agglo"
    assert possessive("Présidente", feminine=True) == "sa Présidente"
    assert possessive("Adjointe", feminine=True) == "son Adjointe"
    assert possessive("Président", feminine=False) == "son Président"


def test_diff_shows_an_added_party_as_its_sentence(tmp_path: Path) -> None:
    from paraphe.diff import diff_conventions
    from paraphe.pipeline import load_convention

    source = CASES / "invalid" / "ctg-without-state"
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    text = (source / "manifest.yaml").read_text(encoding="utf-8").replace("status: final", "status: draft")
    old.write_text(text, encoding="utf-8")
    new.write_text(
        text.replace(
            "  CC Gévaudan: {label",
            "  Commune: {label: Commune de Marvejols}\n  CC Gévaudan: {label",
        )
        .replace(
            "parties:\n",
            "parties:\n  - {org: Commune, name: la Commune de Marvejols, gender: feminine, "
            "deliberation: {body: le Conseil municipal}}\n",
        )
        .replace(
            "signatories:\n",
            "signatories:\n  - {id: maire, org: Commune, civility: Madame, role: Maire, name: Anne ROUX}\n",
        ),
        encoding="utf-8",
    )
    changes = diff_conventions(load_convention(old), load_convention(new))
    added = [c for c in changes if c.op == "added" and c.field == "parties"]
    assert [c.new for c in added] == [
        "La Commune de Marvejols, représentée par Madame Anne ROUX, Maire, dûment autorisée par délibération "
        "du Conseil municipal"
    ]
