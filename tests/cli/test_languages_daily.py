"""The commands added since the first catalog speak French too where the locale is French: `paraphe new`,
`paraphe status`, `paraphe verify`'s report and `paraphe sign`'s refusals (issue 17, item 3); in any
other locale their English is as it was, to the letter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfWriter

from paraphe.cli.main import cli
from paraphe.sign.throwaway import make_root
from support.documents import departement_repository

FRENCH = {"LANG": "fr_FR.UTF-8"}
ENGLISH = {"LANG": "C.UTF-8"}


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner(env=env).invoke(cli, list(args))


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """conventions/cantal/: a CTG draft written by `paraphe new`, never built, and a manifest with errors."""
    departement_repository(tmp_path, monkeypatch)
    made = run(FRENCH, "new", "ctg", "conventions/cantal/ctg-salers-2025.yaml", "--territory", "Pays de Salers")
    assert made.exit_code == 0
    assert made.stdout == (
        "écrit conventions/cantal/ctg-salers-2025.yaml\u00a0: un projet de ctg pour Pays de Salers\u00a0; "
        "remplissez chaque « [à compléter] »\n"
    )
    assert made.stderr.startswith("conseil\u00a0: les éditeurs vérifient le projet d’après ")
    (tmp_path / "conventions" / "cantal" / "broken.yaml").write_text("id: broken\nkind: ctg\n", encoding="utf-8")
    return tmp_path


def test_new_refuses_an_existing_file_in_french(repository: Path) -> None:
    path = repository / "conventions" / "cantal" / "ctg-salers-2025.yaml"
    before = path.read_bytes()
    result = run(FRENCH, "new", "ctg", "conventions/cantal/ctg-salers-2025.yaml", "--territory", "Pays de Salers")
    assert result.exit_code == 2
    assert result.stderr == (
        "conventions/cantal/ctg-salers-2025.yaml: error: ce fichier existe déjà\u00a0; "
        "paraphe new n’écrase jamais un fichier [new.exists]\n"
    )
    assert path.read_bytes() == before
    listed = run(FRENCH, "new", "ctg", "conventions/cantal/ctg-x-2025.yaml", "--territory", "Gévaudan")
    assert "'Gévaudan' ne figure pas dans conventions/cantal/territories.yaml\u00a0; territoires possibles\u00a0: " in (
        listed.stderr
    )


def test_status_of_a_folder_in_french_and_in_english(repository: Path) -> None:
    french = run(FRENCH, "status", "conventions")
    assert french.exit_code == 0
    assert french.stdout.splitlines() == [
        "conventions/cantal/broken.yaml\u00a0: INVALIDE, 9 erreur(s) (paraphe validate dit où)\u00a0; non produit",
        "conventions/cantal/ctg-salers-2025.yaml\u00a0: ctg en projet, valide\u00a0; non produit",
    ]
    english = run(ENGLISH, "status", "conventions")
    assert english.stdout.splitlines() == [
        "conventions/cantal/broken.yaml: INVALID, 9 error(s) (paraphe validate says where); not built",
        "conventions/cantal/ctg-salers-2025.yaml: ctg draft, valid; not built",
    ]


@pytest.fixture
def stranger(tmp_path: Path) -> Path:
    """A PDF paraphe did not build: no build record, no signature field."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    path = tmp_path / "stranger.pdf"
    writer.write(path)
    return path


def test_verify_of_a_pdf_paraphe_did_not_build_in_french(stranger: Path) -> None:
    french = run(FRENCH, "verify", str(stranger))
    assert french.exit_code == 1
    assert french.stdout.splitlines() == [
        str(stranger),
        "  non certifié",
        "NON VALIDE\u00a0: 0 signature(s) sur 0, 1 problème(s)",
    ]
    assert french.stderr == (
        f"{stranger}: error: pas d’enregistrement de production de paraphe\u00a0: ce PDF n’a pas été produit par "
        "paraphe, ou son enregistrement a été retiré [verify.no-record]\n"
    )
    english = run(ENGLISH, "verify", str(stranger))
    assert english.stdout.splitlines() == [str(stranger), "  not certified", "NOT VALID: 0 of 0 signed, 1 problem(s)"]
    assert "error: no paraphe build record: this PDF was not built by paraphe" in english.stderr


def test_sign_refusals_in_french(stranger: Path, tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    pki = make_root(tmp_path / "pki", not_before=now - dt.timedelta(days=1), not_after=now + dt.timedelta(days=30))
    key = pki.issue("Jean ROUX", tmp_path / "pki", stem="directeur-caf").pkcs12
    output = tmp_path / "signed.pdf"
    args = ("sign", str(stranger), str(output), "--signatory", "directeur-caf")
    refused = run(FRENCH, *args, "--pkcs12", str(key))
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"{stranger}: error: ce n’est pas un document produit par paraphe (pas d’enregistrement de production) "
        "[sign.not-built]\n"
    )
    wrong = run(FRENCH, *args, "--pkcs12", str(stranger))
    assert wrong.exit_code == 1
    assert "impossible d’ouvrir le fichier PKCS#12\u00a0: mauvais mot de passe, ou ce n’est pas un fichier PKCS#12" in (
        wrong.stderr
    )
    assert not output.exists()
    english = run(ENGLISH, *args, "--pkcs12", str(key))
    assert "error: not a document built by paraphe (no build record) [sign.not-built]" in english.stderr


def test_the_help_of_the_new_commands_in_french() -> None:
    assert "Écrit en PATH un premier projet commenté de convention KIND" in run(FRENCH, "new", "--help").output
    assert "Où en est chaque convention\u00a0: projet ou définitive" in run(FRENCH, "status", "--help").output
    assert "Niveau PAdES\u00a0: B-T ajoute l’horodatage" in run(FRENCH, "sign", "--help").output
    assert "Where each convention stands: draft or final" in run(ENGLISH, "status", "--help").output
