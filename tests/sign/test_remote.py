"""Signing with a key held by a remote signing service (Cloud Signature Consortium API): a local CSC
test service (certomancer-csc-dummy) on 127.0.0.1, started and stopped by the tests."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import time_machine
from click.testing import CliRunner, Result

from paraphe.cli.main import cli
from support.csc import credential
from support.pki import SIGNING, LocalPki
from support.signing_cases import assert_case


def sign(built: Path, out: Path, *args: str, signatory: str = "directrice-ccss") -> Result:
    with time_machine.travel(SIGNING, tick=True):
        return CliRunner().invoke(cli, ["sign", str(built), str(out), "--signatory", signatory, *args])


def test_signs_with_the_service_s_key(
    minimal_built: Path, csc_service: str, local_pki: LocalPki, tmp_path: Path
) -> None:
    out = tmp_path / "signed.pdf"
    service = ["--csc-url", csc_service, "--csc-credential", credential("directrice-ccss")]
    level = ["--timestamp-url", local_pki.tsa_url, "--level", "B-LTA", "--trust", str(local_pki.root_cert)]
    result = sign(minimal_built, out, *service, *level)
    assert result.exit_code == 0, result.output
    assert "for directrice-ccss (Ghislaine CHARBONNEL) with Ghislaine CHARBONNEL's key" in result.output
    with time_machine.travel(SIGNING + dt.timedelta(hours=1), tick=True):
        check = CliRunner().invoke(cli, ["verify", str(out), "--trust", str(local_pki.root_cert), "--format", "json"])
    assert check.exit_code == 0, check.output
    signature = json.loads(check.output)["signatures"][0]
    assert signature["holder"] == "Ghislaine CHARBONNEL" and signature["long_term"] is True


def test_someone_else_s_credential_is_refused(minimal_built: Path, csc_service: str, tmp_path: Path) -> None:
    out = tmp_path / "signed.pdf"
    result = sign(minimal_built, out, "--csc-url", csc_service, "--csc-credential", credential("dasen"))
    assert result.exit_code == 1
    assert (
        "this certificate is Alexandre FALCO's, not Ghislaine CHARBONNEL's (directrice-ccss) [sign.wrong-person]"
        in (result.output)
    )
    assert not out.exists()


def test_unknown_credential_is_located(minimal_built: Path, csc_service: str, tmp_path: Path) -> None:
    out = tmp_path / "signed.pdf"
    result = sign(minimal_built, out, "--csc-url", csc_service, "--csc-credential", "paraphe/nobody")
    assert result.exit_code == 1
    assert_case("remote-unknown-credential", result.output, url=csc_service)
    assert not out.exists()


def test_service_in_clear_text_is_refused(minimal_built: Path, tmp_path: Path) -> None:
    result = sign(minimal_built, tmp_path / "x.pdf", "--csc-url", "http://sign.example.org", "--csc-credential", "a")
    assert result.exit_code == 1
    assert_case("remote-in-clear-text", result.output)
