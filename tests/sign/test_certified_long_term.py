"""The secretariat's certification made at build time holds for years too: with a time-stamping
authority and its validation data (`build --certify-timestamp-url --certify-level B-LT`), a certified
and signed convention still verifies in 2031, once the secretariat's certificate has expired as
every signer's has. Without them, the certification is what fails then."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
import time_machine
from asn1crypto import x509
from click.testing import CliRunner, Result

from paraphe.cli.main import cli
from support import MINIMAL, require
from support.pki import SIGNING, LocalPki

LATER = dt.datetime(2031, 6, 1, tzinfo=dt.UTC)
SIGNATORIES = ("prefete", "directrice-ccss", "presidente-departement")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def build_certified(pki: LocalPki, out: Path, *certification: str) -> Path:
    with time_machine.travel(SIGNING, tick=True):
        result = run(
            "build", str(MINIMAL), "--out", str(out), "-j", "1",
            "--certify-pkcs12", str(pki.pkcs12("secretariat")), *certification,
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "certified" in result.output
    return next(out.rglob("sdsf-mini.pdf"))


def sign_all(pki: LocalPki, built: Path, folder: Path) -> Path:
    """The three signatories in turn, each at B-LTA with the local TSA."""
    current = built
    with time_machine.travel(SIGNING, tick=True):
        for number, signatory in enumerate(SIGNATORIES, 1):
            following = folder / f"{number}-{signatory}.pdf"
            result = run(
                "sign", str(current), str(following), "--signatory", signatory, "--pkcs12", str(pki.pkcs12(signatory)),
                "--timestamp-url", pki.tsa_url, "--level", "B-LTA", "--trust", str(pki.root_cert),
            )  # fmt: skip
            assert result.exit_code == 0, result.output
            current = following
    return current


def certification_of(pdf: Path, pki: LocalPki, *extra: str) -> tuple[int, dict[str, object], dict[str, object]]:
    result = run("verify", str(pdf), "--complete", "--trust", str(pki.root_cert), "--format", "json", *extra)
    report = json.loads(result.output)
    signatures = report["signatures"]
    assert isinstance(signatures, list)
    certifications = [s for s in signatures if s["certification"]]
    assert len(certifications) == 1, signatures
    return result.exit_code, report, certifications[0]


@pytest.fixture(scope="module")
def long_term_signed(local_pki: LocalPki, soffice: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("certified-b-lt")
    built = build_certified(
        local_pki, folder / "build", "--certify-timestamp-url", local_pki.tsa_url,
        "--certify-level", "B-LT", "--certify-trust", str(local_pki.root_cert),
    )  # fmt: skip
    return sign_all(local_pki, built, folder)


def test_certification_carries_trusted_time_and_validation_data(long_term_signed: Path, local_pki: LocalPki) -> None:
    with time_machine.travel(SIGNING + dt.timedelta(hours=1), tick=True):
        code, report, certification = certification_of(long_term_signed, local_pki)
    assert code == 0, report
    assert certification["valid"] is True and certification["long_term"] is True, certification
    assert certification["revocation"] == "embedded", certification
    stamped = dt.datetime.fromisoformat(str(certification["timestamp"]))
    assert SIGNING <= stamped < SIGNING + dt.timedelta(minutes=10)
    # pdfsig, independently: the certification and the three signatures are valid.
    out = subprocess.run(
        [require("pdfsig"), "-nocert", str(long_term_signed)], check=False, capture_output=True, text=True
    )
    assert out.stdout.count("Signature Validation: Signature is Valid.") == 4, out.stdout
    assert "Signature Field Name: certification" in out.stdout


def test_certified_convention_still_valid_after_the_secretariat_certificate_expired(
    long_term_signed: Path, local_pki: LocalPki
) -> None:
    secretariat = x509.Certificate.load(local_pki.arch.get_cert("secretariat").dump())  # type: ignore[arg-type]
    assert secretariat.not_valid_after < LATER
    with time_machine.travel(LATER, tick=True):
        code, report, certification = certification_of(long_term_signed, local_pki)
    assert code == 0, report
    assert certification["valid"] is True and certification["long_term"] is True, certification
    result = run(
        "verify", str(long_term_signed), "--complete", "--trust", str(local_pki.root_cert), "--at", "2031-06-01"
    )
    assert result.exit_code == 0, result.output
    assert "valid: 3 of 3 signed" in result.output


def test_a_plain_certification_fails_once_its_certificate_expired(
    local_pki: LocalPki, soffice: str, tmp_path: Path
) -> None:
    """The contrast: the same build certified at B-B, the signatures at B-LTA; in 2031 the certification,
    with no trusted time to be judged at, is judged now, with an expired certificate, and fails."""
    signed = sign_all(local_pki, build_certified(local_pki, tmp_path / "build"), tmp_path)
    with time_machine.travel(SIGNING + dt.timedelta(hours=1), tick=True):
        assert certification_of(signed, local_pki)[0] == 0
    code, report, certification = certification_of(signed, local_pki, "--at", "2031-06-01")
    assert code == 1, report
    assert certification["valid"] is False and certification["long_term"] is False, certification


@pytest.mark.parametrize(
    ("options", "missing"),
    [
        (("--certify-level", "B-T"), "--certify-timestamp-url"),
        (("--certify-level", "B-LT", "--certify-timestamp-url", "http://127.0.0.1:9/tsa"), "--certify-trust"),
    ],
)
def test_certification_levels_need_their_services(
    local_pki: LocalPki, tmp_path: Path, options: tuple[str, ...], missing: str
) -> None:
    out = tmp_path / "build"
    result = run(
        "build", str(MINIMAL), "--out", str(out), "--certify-pkcs12", str(local_pki.pkcs12("secretariat")), *options
    )
    assert result.exit_code == 2, result.output
    assert missing in result.output and "Traceback" not in result.output
    assert not any(out.rglob("*.pdf"))  # refused before anything is built
