"""Trusted time and long-term validation against a local PKI whose TSA, OCSP and CRL services answer on
127.0.0.1 (certomancer): B-T, B-LT and B-LTA signatures that still verify once every signer's
certificate, and the CA that issued them, have expired; pdfsig reads the signatures independently."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest
import time_machine
from asn1crypto import x509
from click.testing import CliRunner, Result

from paraphe.cli.main import cli
from paraphe.sign.throwaway import make_root
from support import require
from support.pki import SIGNING, LocalPki
from support.signing_cases import assert_case

UTC = dt.UTC
LATER = dt.datetime(2031, 6, 1, tzinfo=UTC)  # every signer's certificate expired in 2027
PEOPLE = {
    "prefete": "Valérie HATSCH",
    "directrice-ccss": "Ghislaine CHARBONNEL",
    "presidente-departement": "Sophie PANTEL",
}
LEVELS = {"prefete": "B-LTA", "directrice-ccss": "B-LT", "presidente-departement": "B-LTA"}


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def pki(local_pki: LocalPki) -> LocalPki:
    return local_pki


@pytest.fixture(scope="module")
def built(minimal_built: Path) -> Path:
    return minimal_built


@pytest.fixture(scope="module")
def signed(built: Path, pki: LocalPki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three signatories in turn, at B-LTA, B-LT and B-LTA, each with the local TSA."""
    current = built
    folder = tmp_path_factory.mktemp("signed")
    with time_machine.travel(SIGNING, tick=True):
        for number, (signatory, level) in enumerate(LEVELS.items(), 1):
            following = folder / f"{number}-{signatory}.pdf"
            result = run(
                "sign", str(current), str(following), "--signatory", signatory, "--pkcs12", str(pki.pkcs12(signatory)),
                "--timestamp-url", pki.tsa_url, "--level", level, "--trust", str(pki.root_cert),
            )  # fmt: skip
            assert result.exit_code == 0, result.output
            current = following
    return current


def verify_json(pdf: Path, *extra: str) -> tuple[int, dict[str, object]]:
    result = run("verify", str(pdf), "--format", "json", *extra)
    return result.exit_code, json.loads(result.output)


def test_signatures_carry_trusted_time_and_validation_data(signed: Path, pki: LocalPki) -> None:
    with time_machine.travel(SIGNING + dt.timedelta(hours=1), tick=True):
        code, report = verify_json(signed, "--complete", "--trust", str(pki.root_cert))
    assert code == 0, report
    signatures = report["signatures"]
    assert isinstance(signatures, list) and len(signatures) == 3
    for signature in signatures:
        assert signature["long_term"] is True and signature["revocation"] == "embedded", signature
        stamped = dt.datetime.fromisoformat(signature["timestamp"])
        assert SIGNING <= stamped < SIGNING + dt.timedelta(minutes=10)
    # The minimal convention states « Fait à Mende, le 9 octobre 2020 »: said, as a warning.
    dated = [p for p in report["problems"] if p["rule"] == "verify.date-stated"]
    assert len(dated) == 3 and all(p["severity"] == "warning" for p in dated), report["problems"]
    assert "prefete: signed on 2 mars 2026 (timestamped), but the document states it is signed on 9 octobre 2020" in (
        dated[0]["message"].replace("\u00a0", " ")
    )
    timestamps = report["timestamps"]
    assert isinstance(timestamps, list) and len(timestamps) == 2  # one per B-LTA signature
    assert all(t["authority"] == "Horodatage de test paraphe" and t["valid"] for t in timestamps)
    # pdfsig, independently: the three signatures valid; it lists the document timestamps (it cannot verify them).
    out = subprocess.run(
        [require("pdfsig"), "-nocert", str(signed)], check=False, capture_output=True, text=True
    ).stdout
    assert out.count("Signature Validation: Signature is Valid.") == 3, out
    assert len(re.findall(r"Signer Certificate Common Name: Horodatage de test paraphe", out)) == 2, out


def test_still_valid_after_every_signer_certificate_expired(signed: Path, pki: LocalPki) -> None:
    for person in PEOPLE:
        certificate = x509.Certificate.load(pki.arch.get_cert(person).dump())  # type: ignore[arg-type]
        assert certificate.not_valid_after < LATER

    # The services are gone (verification never goes online) and the clock says 2031.
    with time_machine.travel(LATER, tick=True):
        result = run("verify", str(signed), "--complete", "--trust", str(pki.root_cert))
    assert result.exit_code == 0, result.output
    assert "valid: 3 of 3 signed" in result.output
    assert result.output.count("revocation embedded, checked at the time of signing") == 3
    # As `--at` says it, with today's clock.
    result = run("verify", str(signed), "--complete", "--trust", str(pki.root_cert), "--at", "2031-06-01")
    assert result.exit_code == 0, result.output


def test_without_validation_data_an_expired_certificate_fails(built: Path, pki: LocalPki, tmp_path: Path) -> None:
    """The contrast: the same signatory at B-T only (a timestamp, no revocation data) fails in 2031."""
    plain = tmp_path / "b-t.pdf"
    with time_machine.travel(SIGNING, tick=True):
        result = run("sign", str(built), str(plain), "--signatory", "prefete", "--pkcs12", str(pki.pkcs12("prefete")),
                     "--timestamp-url", pki.tsa_url)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert run("verify", str(plain), "--trust", str(pki.root_cert)).exit_code == 0
    result = run("verify", str(plain), "--trust", str(pki.root_cert), "--at", "2031-06-01")
    assert result.exit_code == 1
    assert_case("expired-without-validation-data", result.output, pdf=str(plain))


def test_timestamp_of_an_untrusted_authority(built: Path, pki: LocalPki, tmp_path: Path) -> None:
    """The signer's certificate from a root given with --trust, the timestamp from an authority it does not know."""
    with time_machine.travel(SIGNING, tick=True):
        own = make_root(tmp_path / "own", not_before=SIGNING - dt.timedelta(days=1), not_after=LATER)
        hatsch = own.issue("Valérie HATSCH", tmp_path / "own")
        signed = tmp_path / "signed.pdf"
        result = run("sign", str(built), str(signed), "--signatory", "prefete", "--pkcs12", str(hatsch.pkcs12),
                     "--timestamp-url", pki.tsa_url)  # fmt: skip
        assert result.exit_code == 0, result.output
        result = run("verify", str(signed), "--trust", str(own.root_cert))
    assert result.exit_code == 1
    assert_case("untrusted-time-stamping-authority", result.output, pdf=str(signed))


def test_levels_need_their_services(built: Path, pki: LocalPki, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    result = run("sign", str(built), str(out), "--signatory", "prefete", "--pkcs12", str(pki.pkcs12("prefete")),
                 "--level", "B-LT", "--timestamp-url", pki.tsa_url)  # fmt: skip
    assert result.exit_code == 1
    assert_case("level-without-trust", result.output, pdf=str(built))
    assert not out.exists()
