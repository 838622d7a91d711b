"""Who a certificate belongs to: the signatory's name as French civil status writes it, and, when the
manifest registers it, the one certificate (its SHA-256) or an e-mail address it must carry; a
homonym certified by the same authority is refused by `sign` and reported by `verify`."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner, Result
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner

from paraphe.cli.main import cli
from paraphe.sign.credentials import same_person
from support import MINIMAL
from support.pki import SIGNING, LocalPki
from support.signing_cases import assert_case


@pytest.mark.parametrize(
    ("name", "holder", "same"),
    [
        ("Bruno FAURE", "FAURE Bruno", True),
        ("Hélène DUPONT", "DUPONT Helene", True),
        ("Marie-Agnès GARCIA", "GARCIA Marie Agnès", True),
        ("Bruno FAURE", "Bruno FAURE-MARTIN", False),
        ("Bruno FAURE", "Brune FAURE", False),
        ("Bruno FAURE", "Bruno", False),
    ],
)
def test_names_compared_as_civil_status_writes_them(name: str, holder: str, same: bool) -> None:
    assert same_person(name, holder) is same


def run(*args: str) -> Result:
    with time_machine.travel(SIGNING, tick=True):
        return CliRunner().invoke(cli, list(args))


def fingerprint(pki: LocalPki, label: str) -> str:
    return hashlib.sha256(pki.arch.get_cert(label).dump()).hexdigest()  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def registered(tmp_path_factory: pytest.TempPathFactory, soffice: str, local_pki: LocalPki) -> Path:
    """The minimal convention with the préfète's certificate registered (as a viewer shows it, with
    colons) and the directrice's e-mail address."""
    folder = tmp_path_factory.mktemp("registered")
    shown = ":".join(f"{fingerprint(local_pki, 'prefete')[i : i + 2]}" for i in range(0, 64, 2)).upper()
    text = MINIMAL.read_text(encoding="utf-8")
    text = text.replace("name: Valérie HATSCH}", f"name: Valérie HATSCH, certificate: '{shown}'}}")
    text = text.replace("name: Ghislaine CHARBONNEL}", "name: Ghislaine CHARBONNEL, email: g.charbonnel@ccss.fr}")
    (folder / "sdsf-mini.yaml").write_text(text, encoding="utf-8")
    result = run("build", str(folder / "sdsf-mini.yaml"), "--out", str(folder / "build"), "--no-certify")
    assert result.exit_code == 0, result.output
    return next((folder / "build").rglob("sdsf-mini.pdf"))


def test_registered_certificate_signs(registered: Path, local_pki: LocalPki, tmp_path: Path) -> None:
    out = tmp_path / "signed.pdf"
    result = run(
        "sign", str(registered), str(out), "--signatory", "prefete", "--pkcs12", str(local_pki.pkcs12("prefete"))
    )
    assert result.exit_code == 0, result.output
    with time_machine.travel(SIGNING + dt.timedelta(hours=1), tick=True):
        assert CliRunner().invoke(cli, ["verify", str(out), "--trust", str(local_pki.root_cert)]).exit_code == 0


def test_homonym_is_refused_by_sign(registered: Path, local_pki: LocalPki, tmp_path: Path) -> None:
    out = tmp_path / "signed.pdf"
    homonym = local_pki.pkcs12("homonym")
    result = run("sign", str(registered), str(out), "--signatory", "prefete", "--pkcs12", str(homonym))
    assert result.exit_code == 1
    registered = fingerprint(local_pki, "prefete")[:16]
    assert_case("homonym-refused", result.output, p12=str(homonym), homonym=fingerprint(local_pki, "homonym")[:16],
                registered=registered)  # fmt: skip
    assert not out.exists()


def test_homonym_is_reported_by_verify(registered: Path, local_pki: LocalPki, tmp_path: Path) -> None:
    """Signed with pyHanko directly (what `sign` refuses): same name, same trusted authority."""
    signer = SimpleSigner.load_pkcs12(str(local_pki.pkcs12("homonym")), None)
    meta = PdfSignatureMetadata(field_name="prefete", subfilter=SigSeedSubFilter.PADES)
    with time_machine.travel(SIGNING, tick=True):
        writer = IncrementalPdfFileWriter(io.BytesIO(registered.read_bytes()))
        signed = PdfSigner(meta, signer=signer).sign_pdf(writer, existing_fields_only=True)
    out = tmp_path / "homonym.pdf"
    out.write_bytes(signed.getvalue())
    with time_machine.travel(SIGNING + dt.timedelta(hours=1), tick=True):
        result = CliRunner().invoke(cli, ["verify", str(out), "--trust", str(local_pki.root_cert)])
    assert result.exit_code == 1
    assert_case("homonym-reported", result.output, pdf=str(out), homonym=fingerprint(local_pki, "homonym")[:16],
                registered=fingerprint(local_pki, "prefete")[:16])  # fmt: skip


def test_registered_email_must_be_carried(registered: Path, local_pki: LocalPki, tmp_path: Path) -> None:
    out = tmp_path / "signed.pdf"
    key = local_pki.pkcs12("directrice-ccss")
    result = run("sign", str(registered), str(out), "--signatory", "directrice-ccss", "--pkcs12", str(key))
    assert result.exit_code == 1
    assert (
        "directrice-ccss: its certificate does not carry g.charbonnel@ccss.fr, the address registered for "
        "directrice-ccss [sign.not-registered]"
    ) in result.output


def test_a_fingerprint_that_is_not_one_is_located(tmp_path: Path) -> None:
    manifest = tmp_path / "sdsf-mini.yaml"
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "name: Valérie HATSCH}", "name: Valérie HATSCH, certificate: ab12}"
    )
    manifest.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert result.exit_code == 1
    line = next(n for n, content in enumerate(text.splitlines(), 1) if "certificate: ab12" in content)
    assert f"sdsf-mini.yaml:{line}:" in result.output and "ab12" in result.output
