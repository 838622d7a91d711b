"""The command line speaks French where the locale is French, English otherwise: diagnostics,
summaries, help and click's own usage errors, in one process and in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from paraphe.cli.main import cli
from support import CASES, MINIMAL

FRENCH = {"LANG": "fr_FR.UTF-8"}
ENGLISH_LOCALES = [{"LANG": "C"}, {"LANG": "C.UTF-8"}, {"LANG": "en_US.UTF-8"}, {"LANG": "de_DE.UTF-8"}]


def run(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner(env=env).invoke(cli, args)


def test_diagnostics_and_summary_in_french(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES / "invalid" / "several-at-once")
    result = run(["validate", "manifest.yaml"], FRENCH)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "manifest.yaml:60:28: error: l’acteur 'MSA' n’est pas déclaré sous « organisations » [ref.organisation]",
        "manifest.yaml:66:23: error: le calendrier 2025 sort de la période 2020-2023 [calendar.period]",
        "manifest.yaml:70:10: error: l’identifiant de signataire 'prefete' est déjà utilisé ligne 69 [id.unique]",
        "manifest.yaml:70:24: error: l’organisme du signataire, 'CAF', n’est pas déclaré sous « organisations » "
        "[ref.organisation]",
        "1 manifeste sur 1 invalide, 4 erreur(s)",
    ]


@pytest.mark.parametrize("env", ENGLISH_LOCALES, ids=[e["LANG"] for e in ENGLISH_LOCALES])
def test_english_outside_a_french_locale(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES / "invalid" / "several-at-once")
    result = run(["validate", "manifest.yaml"], env)
    assert "actor 'MSA' is not declared under 'organisations'" in result.stderr
    assert "1 of 1 manifest(s) invalid, 4 error(s)" in result.stderr


@pytest.mark.parametrize(
    ("env", "french"),
    [
        ({"LANG": "C", "LC_ALL": "fr_FR.UTF-8"}, True),  # LC_ALL wins over LANG
        ({"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, False),  # the messages' own category
        ({"LANG": "fr_BE.UTF-8"}, True),  # any French
        ({"LANGUAGE": "fr:en", "LANG": "en_US.UTF-8"}, True),  # gettext's list of languages goes first
        ({"LANGUAGE": "de:fr", "LANG": "C"}, True),  # the first language paraphe has
    ],
)
def test_the_variables_gettext_reads(env: dict[str, str], french: bool) -> None:
    result = run(["validate", str(MINIMAL)], env)
    assert result.exit_code == 0
    assert ("1 manifeste valide" in result.output) is french
    assert ("1 manifest(s) valid" in result.output) is not french


def test_help_in_french_then_in_english_in_one_process() -> None:
    french = run(["validate", "--help"], FRENCH).output
    assert "Vérifie des manifestes (fichiers ou dossiers" in french
    assert "Affiche ce message et quitte." in french
    assert "Utilisation" in french
    english = run(["validate", "--help"], {"LANG": "C"}).output
    assert "Check manifests (files or folders; default: conventions/)." in english
    assert "Show this message and exit." in english
    assert "Affiche" not in english
    assert "Vérifie des manifestes" in run(["--help"], FRENCH).output  # the short help of the list


def test_clicks_usage_errors_in_french() -> None:
    result = run(["buil"], FRENCH)
    assert result.exit_code == 2
    assert "Pas de commande 'buil'." in result.stderr
    result = run(["validate", "--format", "xml"], FRENCH)
    assert result.exit_code == 2
    assert "Valeur invalide pour '--format'" in result.stderr


def test_schema_errors_in_words_in_both_languages(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.yaml"
    text = MINIMAL.read_text(encoding="utf-8")
    assert 'date: "2020-10-09"' in text
    manifest.write_text(text.replace('date: "2020-10-09"', "date: 2020/10/09"), encoding="utf-8")
    french, english = run(["validate", str(manifest)], FRENCH), run(["validate", str(manifest)], {"LANG": "C"})
    # French puts a no-break space before « : ».
    assert "signature.date\u00a0: '2020/10/09' n’est pas une date au format AAAA-MM-JJ, par exemple 2025-06-12" in (
        french.stderr
    )
    assert "signature.date: '2020/10/09' is not a date in the form YYYY-MM-DD, for example 2025-06-12" in english.stderr
    for result in (french, english):
        assert "[0-9]" not in result.stderr and "^" not in result.stderr


def test_yaml_syntax_errors_give_the_likely_cause(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text("id: sdsf\ntitle: Objet : la convention\n", encoding="utf-8")
    french = run(["validate", str(manifest)], FRENCH).stderr
    assert ":2:14: error: un texte qui contient « : » doit être entre guillemets" in french
    english = run(["validate", str(manifest)], {"LANG": "C"}).stderr
    assert "mapping values are not allowed here; likely cause: a text that contains ': ' must be between quotes" in (
        english
    )


def test_a_process_of_its_own_reads_the_locale(tmp_path: Path) -> None:
    """As a secretariat runs it: `paraphe` in a shell whose LANG is French."""
    env = {**os.environ, "LANG": "fr_FR.UTF-8"}
    command = [sys.executable, "-m", "paraphe.cli.main", "validate", str(tmp_path / "nowhere")]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stderr == f"{tmp_path / 'nowhere'}: error: aucun fichier ni dossier de ce nom [io.missing]\n"
