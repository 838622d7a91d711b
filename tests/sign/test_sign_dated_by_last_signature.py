"""A convention « Fait à Marvejols, à la date de la dernière signature électronique », signed over two days:
`verify` gives the last signature's day as its date and sees nothing amiss in the days differing; one
that states a day, signed on another, is still pointed out."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner, Result

from paraphe.cli.main import cli
from paraphe.sign.throwaway import ThrowawayPki, make_root
from support import flat, pdf_text

GEVAUDAN = Path(__file__).resolve().parent.parent / "avenants" / "gevaudan"
UTC = dt.UTC
FIRST_DAY = dt.datetime(2021, 5, 3, 9, 0, tzinfo=UTC)
LAST_DAY = dt.datetime(2021, 5, 10, 21, 30, tzinfo=UTC)  # 23 h 30 in Marvejols: still the 10th there
SIGNATORIES = {
    "president-ccss": "Paul ARNAL",
    "directrice-ccss": "Claire BRUNEL",
    "president-departement": "Jean CHABERT",
    "secretaire-generale": "Anne DELMAS",
    "president-cc": "Marc FABRE",
}
LAST = "president-cc"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> tuple[ThrowawayPki, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("pki")
    with time_machine.travel(FIRST_DAY, tick=True):
        root = make_root(
            folder, not_before=dt.datetime(2021, 1, 1, tzinfo=UTC), not_after=dt.datetime(2031, 1, 1, tzinfo=UTC)
        )
        return root, {sid: root.issue(name, folder, stem=sid).pkcs12 for sid, name in SIGNATORIES.items()}


def build(folder: Path, signature_date: str) -> Path:
    """The final Gévaudan CTG with `signature_date` as its manifest's signature.date, not certified."""
    manifest = folder / "conventions" / "ctg.yaml"
    manifest.parent.mkdir(parents=True)
    for source in GEVAUDAN.glob("*.yaml"):
        (manifest.parent / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    text = manifest.read_text(encoding="utf-8").replace('date: "2021-05-03"}', f"date: {signature_date}}}")
    manifest.write_text(text, encoding="utf-8")
    with time_machine.travel(FIRST_DAY, tick=True):
        result = run("build", str(manifest), "--out", str(folder / "build"), "--no-certify")
    assert result.exit_code == 0, result.output
    return folder / "build" / "ctg.pdf"


def sign(pdf: Path, signatory: str, pkcs12: Path, when: dt.datetime) -> Path:
    signed = pdf.with_name(f"{pdf.stem}+{signatory}.pdf")
    with time_machine.travel(when, tick=True):
        result = run("sign", str(pdf), str(signed), "--signatory", signatory, "--pkcs12", str(pkcs12))
    assert result.exit_code == 0, result.output
    return signed


def verify(pdf: Path, root: ThrowawayPki, *extra: str) -> tuple[Result, dict[str, object]]:
    with time_machine.travel(LAST_DAY + dt.timedelta(hours=1), tick=True):
        text = run("verify", str(pdf), "--trust", str(root.root_cert), *extra)
        as_json = run("verify", str(pdf), "--trust", str(root.root_cert), "--format", "json", *extra)
    return text, json.loads(as_json.output)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Path:
    return build(tmp_path_factory.mktemp("electronic"), "électronique")


def test_the_document_says_the_last_signature_dates_it(built: Path) -> None:
    text = flat(pdf_text(built))
    assert "Fait à Marvejols, à la date de la dernière signature électronique, en" in text
    assert "[à compléter]" not in text and "le 3 mai 2021" not in text.replace("\u00a0", " ")


def test_verify_gives_the_last_signature_day(built: Path, pki: tuple[ThrowawayPki, dict[str, Path]]) -> None:
    root, keys = pki
    current = built
    for signatory in SIGNATORIES:
        if signatory == LAST:
            # Not everyone has signed: the convention has no date yet, and says so.
            result, report = verify(current, root)
            assert result.exit_code == 0, result.output
            assert "not all have signed yet" in result.output
            assert report["dated_by_last_signature"] is True and report["date"] is None
        current = sign(current, signatory, keys[signatory], LAST_DAY if signatory == LAST else FIRST_DAY)

    result, report = verify(current, root, "--complete")
    assert result.exit_code == 0, result.output
    assert "valid: 5 of 5 signed" in result.output
    said = result.output.replace("\u00a0", " ")
    assert (
        "signed on 10 mai 2021 (president-cc, as claimed by the signer): the date of the last electronic signature"
        in (said)
    )
    assert report["date"] == "2021-05-10", report
    # Four signatures on the 3rd, one on the 10th: the document names no day they could contradict.
    assert not [p for p in report["problems"] if p["rule"] == "verify.date-stated"], report["problems"]


def test_a_stated_day_signed_on_another_is_still_pointed_out(
    tmp_path: Path, soffice: str, pki: tuple[ThrowawayPki, dict[str, Path]]
) -> None:
    """The attack the wording must not open: a convention « Fait à Marvejols, le 3 mai 2021 » signed a
    week later is not passed off as dated by its last signature."""
    root, keys = pki
    stated = build(tmp_path, '"2021-05-03"')
    assert "le 3 mai 2021" in flat(pdf_text(stated)).replace("\u00a0", " ")
    signed = sign(stated, LAST, keys[LAST], LAST_DAY)
    result, report = verify(signed, root)
    assert result.exit_code == 0, result.output
    assert report["dated_by_last_signature"] is False and report["date"] == "2021-05-03"
    dated = [p for p in report["problems"] if p["rule"] == "verify.date-stated"]
    assert len(dated) == 1 and dated[0]["severity"] == "warning", report["problems"]
    assert "president-cc: signed on 10 mai 2021 (claimed), but the document states it is signed on 3 mai 2021" in (
        dated[0]["message"].replace("\u00a0", " ")
    )
    assert "the date of the last electronic signature" not in result.output
