"""The documents the PDF/A checks run on, built once: the Lozère SDSF (final) and CTG (draft), and
a final CTG (paraphe's specimen); each final one unsigned, certified, and signed by everyone."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from paraphe.cli.main import cli
from paraphe.pipeline import load_credentials, sign
from paraphe.provenance import read_record
from paraphe.resources import specimen_path
from paraphe.sign.throwaway import make_root
from support import LOZERE

CTG_DRAFT = LOZERE.with_name("ctg-plan-actions-2020.yaml")


def _build(*args: str) -> None:
    result = CliRunner().invoke(cli, ["build", *args])
    assert result.exit_code == 0, result.output


def _sign_by_everyone(built: Path, signed: Path, pki_folder: Path, root: object) -> None:
    record = read_record(PdfReader(built))
    assert record is not None
    current = built
    for signatory in record.signatories:
        issued = root.issue(signatory.name, pki_folder, stem=signatory.id)  # type: ignore[attr-defined]
        sign(current, signed, signatory.id, load_credentials(pkcs12=issued.pkcs12), overwrite=current == built)
        current = signed


@pytest.fixture(scope="session")
def archived(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """label → PDF: sdsf, sdsf-certified, sdsf-signed, ctg-draft, ctg, ctg-certified, ctg-signed."""
    work = tmp_path_factory.mktemp("pdfa")
    specimen = work / "conventions" / "demo" / "ctg.yaml"
    specimen.parent.mkdir(parents=True)
    shutil.copyfile(specimen_path("ctg"), specimen)
    now = dt.datetime.now(dt.UTC)
    pki = make_root(work / "pki", not_before=now - dt.timedelta(days=1), not_after=now + dt.timedelta(days=30))
    secretariat = pki.issue("Secrétariat", work / "pki", stem="secretariat")
    _build(str(LOZERE), str(CTG_DRAFT), str(specimen), "--out", str(work / "plain"))
    _build(str(LOZERE), str(specimen), "--out", str(work / "certified"), "--certify-pkcs12", str(secretariat.pkcs12))
    found = {
        "sdsf": work / "plain" / "lozere" / "sdsf-2020-2023.pdf",
        "ctg-draft": work / "plain" / "lozere" / "ctg-plan-actions-2020.pdf",
        "ctg": work / "plain" / "demo" / "ctg.pdf",
        "sdsf-certified": work / "certified" / "lozere" / "sdsf-2020-2023.pdf",
        "ctg-certified": work / "certified" / "demo" / "ctg.pdf",
        "sdsf-signed": work / "sdsf-signed.pdf",
        "ctg-signed": work / "ctg-signed.pdf",
    }
    _sign_by_everyone(found["sdsf-certified"], found["sdsf-signed"], work / "pki", pki)
    _sign_by_everyone(found["ctg-certified"], found["ctg-signed"], work / "pki", pki)
    return found
