"""The CTG of Gévaudan and its avenants: people, signing days, and the steps the avenant tests repeat."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from paraphe.cli.main import cli
from paraphe.sign.throwaway import Issued, ThrowawayPki, make_root

UTC = dt.UTC
GEVAUDAN = Path(__file__).resolve().parent.parent / "avenants" / "gevaudan"
SIGNED_ORIGINAL = dt.datetime(2021, 5, 3, 10, 0, tzinfo=UTC)
SIGNED_AVENANT = dt.datetime(2024, 12, 10, 10, 0, tzinfo=UTC)
PEOPLE = {
    "president-ccss": "Paul ARNAL",
    "directrice-ccss": "Claire BRUNEL",
    "president-departement": "Jean CHABERT",
    "secretaire-generale": "Anne DELMAS",
    "directrice-msa": "Lucie ESTÈVE",
    "president-cc": "Marc FABRE",
}
ORIGINAL_SIGNATORIES = [s for s in PEOPLE if s != "directrice-msa"]  # the MSA joins with avenant n° 1


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


class Pki:
    def __init__(self, folder: Path) -> None:
        self.root: ThrowawayPki = make_root(
            folder, not_before=dt.datetime(2020, 1, 1, tzinfo=UTC), not_after=dt.datetime(2030, 1, 1, tzinfo=UTC)
        )
        self.people: dict[str, Issued] = {sid: self.root.issue(name, folder, stem=sid) for sid, name in PEOPLE.items()}


def build(manifest: Path, out: Path) -> Path:
    result = run("build", str(manifest), "--out", str(out))
    assert result.exit_code == 0, result.output
    return out / manifest.parent.name / manifest.with_suffix(".pdf").name


def sign_all(pdf: Path, signatories: list[str], pki: Pki, target: Path) -> Path:
    """Every signatory signs in turn; the last signed copy is written to `target`."""
    current = pdf
    for number, signatory in enumerate(signatories, 1):
        following = target.with_name(f"{target.stem}-{number}.pdf")
        result = run("sign", str(current), str(following), "--signatory", signatory,
                     "--pkcs12", str(pki.people[signatory].pkcs12))  # fmt: skip
        assert result.exit_code == 0, result.output
        current = following
    shutil.copyfile(current, target)
    return target


def cite_signed(avenant: Path, signed: str) -> None:
    """The avenant names the signed original it amends (`amends.signed`)."""
    text = avenant.read_text(encoding="utf-8")
    avenant.write_text(text.replace("amends:\n", f"amends:\n  signed: {signed}\n", 1), encoding="utf-8")
