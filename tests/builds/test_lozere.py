"""The reference document: the Lozère SDSF 2020-2023, faithful to the seed, built end to end."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from paraphe.cli.main import cli
from paraphe.pipeline import load_convention
from support import LOZERE, ROOT, flat, page_count, pdf_text, pdfsig_fields, require

SEED = ROOT.parent / "shared" / "seeds" / "sdsf-lozere-2020-2023.txt"
SIGNATORIES = [
    ("Madame la Préfète", "Valérie HATSCH"),
    ("Monsieur le Président du Conseil de la CCSS", "Philippe ROCHOUX"),
    ("Madame la Directrice de la CCSS", "Ghislaine CHARBONNEL"),
    ("Madame la Présidente du Département", "Sophie PANTEL"),
    ("Monsieur le Directeur Académique des Services de l'Éducation Nationale", "Alexandre FALCO"),
    ("Madame la Directrice de la MSA du Languedoc", "Marie-Agnès GARCIA"),
    ("Monsieur le Président de l'UDAF", "Michel CAPONI"),
]
THEMES = [
    "Petite enfance",
    "Enfance – Jeunesse",
    "Parentalité",
    "Animation de la vie sociale",
    "Accès aux droits",
    "Participation des usagers",
    "Mobilité",
    "Laïcité",
    "Développement durable",
]


def words(text: str) -> str:
    """Lower-case words only: compares the seed's extraction with the PDF's text.

    Hyphens are dropped, not split on: pdftotext joins « Mont-» + « Lozère » at a line end
    into « MontLozère », so both sides must read compounds the same way.
    """
    text = re.sub(r"<[^>]+>", " ", text).replace("’", "'").replace(" ^{er}", "er").replace("-", "")
    return " ".join(re.findall(r"[\w']+", text.lower()))


def uncovered(text: str, haystack: str, max_runs: float = 3) -> list[str]:
    """Why `text` cannot be read from `haystack` as at most `max_runs` runs of words.

    Both the seed (a PDF extraction) and our PDF split a table cell that spans two pages into
    pieces with other cells in between; a faithful text is still a short sequence of runs.
    A one-word run costs one and a half, so scattered common words do not pass for a text.
    Returns [] when it is, else the pieces a greedy reading could not find.
    """
    tokens = words(text).split()
    if " ".join(tokens) in haystack:
        return []
    runs: list[float] = [0.0] + [float("inf")] * len(tokens)  # fewest runs covering tokens[:i]
    for end in range(1, len(tokens) + 1):
        for start in range(end):
            cost = runs[start] + (1.5 if end - start == 1 else 1)
            if cost < runs[end] and " ".join(tokens[start:end]) in haystack:
                runs[end] = cost
    if runs[-1] <= max_runs:
        return []
    missing, start = [], 0
    while start < len(tokens):
        end = start + 1
        while end < len(tokens) and " ".join(tokens[start : end + 1]) in haystack:
            end += 1
        if " ".join(tokens[start:end]) not in haystack or end - start < 2:
            missing.append(" ".join(tokens[start:end]))
        start = end
    return missing or [f"{runs[-1]} runs: {text}"]


@pytest.fixture(scope="module")
def convention():
    return load_convention(LOZERE)


@pytest.fixture(scope="module")
def lozere_pdf(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Path:
    out = tmp_path_factory.mktemp("lozere")
    result = CliRunner().invoke(cli, ["build", str(LOZERE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "lozere" / "sdsf-2020-2023.pdf"


@pytest.fixture(scope="module")
def pdf_words(lozere_pdf: Path) -> str:
    return words(pdf_text(lozere_pdf))


def test_manifest_shape(convention) -> None:
    assert [s.title for s in convention.sections] == THEMES
    assert len(convention.all_actions()) == 66
    assert sum(len(s.sections) for s in convention.sections) == 21
    assert [(s.title, s.name) for s in convention.signatories] == [
        (t.replace("'", "’").replace("’", "'"), n) for t, n in SIGNATORIES
    ]
    assert (convention.signature_place, convention.signature_date.isoformat()) == ("Mende", "2020-10-09")


@pytest.mark.skipif(not SEED.exists(), reason="the seed documents are not beside this checkout")
def test_manifest_invents_nothing(convention) -> None:
    """Every action title, detail and result of the manifest is in the seed, word for word."""
    seed = words(SEED.read_text(encoding="utf-8"))
    missing = []
    for action in convention.all_actions():
        for text in (action.title, *action.details, *action.results):
            missing += [(action.id, piece) for piece in uncovered(text, seed)]
    assert missing == []


def test_invented_text_is_caught() -> None:
    seed = words("Action 1 : Promouvoir le site\tFavoriser l'accès\n\nInternet monenfant.fr auprès des familles")
    assert uncovered("Promouvoir le site Internet monenfant.fr", seed) == []
    assert uncovered("Promouvoir le site officiel", seed) == ["officiel"]
    assert uncovered("Favoriser le site des familles", seed) != []


@pytest.mark.skipif(not SEED.exists(), reason="the seed documents are not beside this checkout")
def test_pdf_has_every_action_of_the_seed_in_order(pdf_words: str) -> None:
    seed = SEED.read_text(encoding="utf-8")
    starts = [
        words(m.group(1)).split()[:5] for m in re.finditer(r"Action\s*\d+\s*:\s*(?:<[^>]+>\s*)*([^\t<\n]+)", seed)
    ]
    assert len(starts) == 66
    position = 0
    for start in starts:
        found = pdf_words.find(" ".join(start), position)
        assert found >= 0, " ".join(start)
        position = found


def test_pdf_has_every_result_actor_and_detail(convention, pdf_words: str) -> None:
    for action in convention.all_actions():
        for text in (action.title, *action.details, *action.results, *(a.label for a in action.actors)):
            assert uncovered(text, pdf_words) == [], (action.id, text)
        if action.calendar:
            assert words(str(action.calendar).replace("-", "–")) in pdf_words


def test_pdf_signature_page(lozere_pdf: Path) -> None:
    body = flat(pdf_text(lozere_pdf))
    assert "Fait à Mende, le 9 octobre 2020" in body
    for title, name in SIGNATORIES:
        assert title in body and name in body, name
    assert pdfsig_fields(lozere_pdf) == [
        "prefete",
        "president-ccss",
        "directrice-ccss",
        "presidente-departement",
        "dasen",
        "directrice-msa",
        "president-udaf",
    ]


def test_pdf_outline_pages_and_check(lozere_pdf: Path) -> None:
    reader = PdfReader(lozere_pdf)
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top[:2] == ["Préambule", "Fiche d’identité de la Lozère"]
    assert top[-2:] == ["Signatures", "Annexe 1 – Glossaire des sigles"]
    outline_text = " | ".join(i.title for item in reader.outline for i in (item if isinstance(item, list) else [item]))
    for theme in THEMES:
        assert theme in outline_text, theme
    total = page_count(lozere_pdf)
    for number in range(1, total + 1):
        assert f"{number} / {total}" in pdf_text(lozere_pdf, first=number, last=number, raw=True)
    check = subprocess.run([require("qpdf"), "--check", str(lozere_pdf)], check=False, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
