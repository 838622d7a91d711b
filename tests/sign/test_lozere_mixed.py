"""The acceptance of signing as real signatories do: the Lozère SDSF, certified by the secretariat,
signed by its seven signatories in turn with a mix of PKCS#12 files, keys on a token (SoftHSM2)
and keys at a remote signing service (CSC), all timestamped, some with their validation data
(B-LT, B-LTA); `verify --complete` passes, pdfsig and qpdf agree."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner, Result

from paraphe.cli.main import cli
from support import LOZERE, require
from support.csc import credential
from support.pki import LOZERE_PEOPLE, SIGNING, LocalPki
from support.softhsm import SoftHsm

# How each signatory holds their key, and the PAdES level they sign at.
HOW = {
    "prefete": ("p12", "B-LTA"),
    "president-ccss": ("token", "B-T"),
    "directrice-ccss": ("remote", "B-LT"),
    "presidente-departement": ("p12", "B-T"),
    "dasen": ("token", "B-LTA"),
    "directrice-msa": ("remote", "B-T"),
    "president-udaf": ("p12", "B-LTA"),
}


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture(scope="module")
def certified(tmp_path_factory: pytest.TempPathFactory, soffice: str, local_pki: LocalPki) -> Path:
    out = tmp_path_factory.mktemp("lozere")
    with time_machine.travel(SIGNING, tick=True):
        result = run("build", str(LOZERE), "--out", str(out), "--certify-pkcs12", str(local_pki.pkcs12("secretariat")))
    assert result.exit_code == 0, result.output
    return out / "lozere" / "sdsf-2020-2023.pdf"


def how(signatory: str, pki: LocalPki, token: SoftHsm, service: str) -> list[str]:
    holder, level = HOW[signatory]
    if holder == "p12":
        key = ["--pkcs12", str(pki.pkcs12(signatory))]
    elif holder == "token":
        key = ["--pkcs11-module", str(token.module), "--token", token.token, "--key", signatory]
    else:
        key = ["--csc-url", service, "--csc-credential", credential(signatory)]
    return [*key, "--timestamp-url", pki.tsa_url, "--level", level, "--trust", str(pki.root_cert)]


@pytest.fixture(scope="module")
def signed(certified: Path, local_pki: LocalPki, softhsm: SoftHsm, csc_service: str) -> Path:
    for signatory, (holder, _) in HOW.items():
        if holder == "token":
            chain = [local_pki.arch.get_cert(label).dump() for label in (signatory, "ca")]  # type: ignore[arg-type]
            softhsm.import_key(signatory, local_pki.key_file(signatory), chain)
    current = certified
    with time_machine.travel(SIGNING, tick=True):
        for number, signatory in enumerate(HOW, 1):
            following = certified.with_name(f"{number}-{signatory}.pdf")
            args = how(signatory, local_pki, softhsm, csc_service)
            result = run("sign", str(current), str(following), "--signatory", signatory, *args,
                         env={"PARAPHE_PKCS11_PIN": softhsm.pin})  # fmt: skip
            assert result.exit_code == 0, f"{signatory}: {result.output}"
            assert f"with {LOZERE_PEOPLE[signatory]}'s key" in result.output
            current = following
    return current


def test_seven_signatories_with_files_tokens_and_a_service(signed: Path, local_pki: LocalPki) -> None:
    with time_machine.travel(SIGNING + dt.timedelta(hours=1), tick=True):
        result = run(
            "verify", str(signed), "--complete", "--trust", str(local_pki.root_cert), "--manifest", str(LOZERE)
        )
        assert result.exit_code == 0, result.output
        assert "valid: 7 of 7 signed" in result.output
        report = json.loads(
            run("verify", str(signed), "--complete", "--trust", str(local_pki.root_cert), "--format", "json").output
        )
    signatures = report["signatures"]
    assert [s["field"] for s in signatures] == ["certification", *HOW]
    assert [s["holder"] for s in signatures[1:]] == list(LOZERE_PEOPLE.values())
    assert all(s["valid"] and s["trust"] == "trusted" and s["timestamp"] for s in signatures[1:])
    assert len(report["timestamps"]) == 3  # the three B-LTA signatures
    independent = subprocess.run(
        [require("pdfsig"), "-nocert", str(signed)], check=False, capture_output=True, text=True
    )
    assert independent.stdout.count("Signature Validation: Signature is Valid.") == 8, independent.stdout
    check = subprocess.run([require("qpdf"), "--check", str(signed)], check=False, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
