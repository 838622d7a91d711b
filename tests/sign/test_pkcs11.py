"""Signing with a key on a token (PKCS#11) that never leaves it: SoftHSM2, initialised by the tests,
the key imported with its certificate issued by the local PKI; PIN from the environment or asked."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner, Result

from paraphe.cli.main import cli
from support.pki import SIGNING, LocalPki
from support.signing_cases import assert_case
from support.softhsm import SoftHsm

PIN_VARIABLE = "PARAPHE_PKCS11_PIN"


@pytest.fixture(scope="module")
def token(softhsm: SoftHsm, local_pki: LocalPki) -> SoftHsm:
    """The préfète's key on the token, with her certificate and its CA's."""
    chain = [local_pki.arch.get_cert(label).dump() for label in ("prefete", "ca")]  # type: ignore[arg-type]
    softhsm.import_key("prefete", local_pki.key_file("prefete"), chain)
    return softhsm


def sign(built: Path, out: Path, token: SoftHsm, *extra: str, key: str = "prefete", pin: str | None = None,
         signatory: str = "prefete", stdin: str | None = None) -> Result:  # fmt: skip
    env = {PIN_VARIABLE: pin} if pin is not None else {PIN_VARIABLE: None}  # type: ignore[dict-item]
    args = ["sign", str(built), str(out), "--signatory", signatory, "--pkcs11-module", str(token.module),
            "--token", token.token, "--key", key, *extra]  # fmt: skip
    with time_machine.travel(SIGNING, tick=True):
        return CliRunner().invoke(cli, args, env=env, input=stdin)


def test_signs_with_the_key_on_the_token(
    minimal_built: Path, token: SoftHsm, local_pki: LocalPki, tmp_path: Path
) -> None:
    out = tmp_path / "signed.pdf"
    result = sign(minimal_built, out, token, "--timestamp-url", local_pki.tsa_url, "--level", "B-LTA",
                  "--trust", str(local_pki.root_cert), pin=token.pin)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "for prefete (Valérie HATSCH) with Valérie HATSCH's key" in result.output
    with time_machine.travel(SIGNING + dt.timedelta(hours=1), tick=True):
        check = CliRunner().invoke(cli, ["verify", str(out), "--trust", str(local_pki.root_cert), "--format", "json"])
    assert check.exit_code == 0, check.output
    report = json.loads(check.output)
    assert [s["holder"] for s in report["signatures"]] == ["Valérie HATSCH"]
    assert report["signatures"][0]["long_term"] is True


def test_pin_is_asked_for_when_not_in_the_environment(minimal_built: Path, token: SoftHsm, tmp_path: Path) -> None:
    out = tmp_path / "signed.pdf"
    result = sign(minimal_built, out, token, stdin=f"{token.pin}\n")
    assert result.exit_code == 0, result.output
    assert "PIN of token paraphe-test" in result.output
    assert token.pin not in result.output  # typed, not echoed
    assert out.exists()


def test_wrong_pin_is_refused_before_anything_is_written(minimal_built: Path, token: SoftHsm, tmp_path: Path) -> None:
    out = tmp_path / "signed.pdf"
    result = sign(minimal_built, out, token, pin="0000")
    assert result.exit_code == 1
    assert_case("token-wrong-pin", result.output)
    assert "Traceback" not in result.output and not out.exists()


def test_unknown_key_and_token_are_located(minimal_built: Path, token: SoftHsm, tmp_path: Path) -> None:
    out = tmp_path / "signed.pdf"
    result = sign(minimal_built, out, token, key="nobody", pin=token.pin)
    assert result.exit_code == 1
    assert_case("token-unknown-key", result.output)
    other = CliRunner().invoke(cli, ["sign", str(minimal_built), str(out), "--signatory", "prefete",
                                     "--pkcs11-module", str(token.module), "--token", "no-such-token", "--key", "x"],
                               env={PIN_VARIABLE: token.pin})  # fmt: skip
    assert other.exit_code == 1
    assert "pkcs11:no-such-token/x: error: cannot open token 'no-such-token'" in other.output
    assert not out.exists()


def test_the_token_key_must_be_the_signatory_s(minimal_built: Path, token: SoftHsm, tmp_path: Path) -> None:
    out = tmp_path / "signed.pdf"
    result = sign(minimal_built, out, token, pin=token.pin, signatory="directrice-ccss")
    assert result.exit_code == 1
    assert "this certificate is Valérie HATSCH's, not Ghislaine CHARBONNEL's (directrice-ccss) [sign.wrong-person]" in (
        result.output
    )
    assert not out.exists()


def test_pin_is_never_an_argument(minimal_built: Path, token: SoftHsm, tmp_path: Path) -> None:
    result = sign(minimal_built, tmp_path / "x.pdf", token, "--pin", token.pin, pin=token.pin)
    assert result.exit_code == 2
    assert "No such option '--pin'" in result.output
