"""`paraphe status`: where each convention of a folder stands — drafts, finals, built or out of date,
signed copies partly and fully signed, a copy that no longer matches its manifest (issue 17, item 2).

The copies are signed for real, with `paraphe sign` and a throwaway PKI (paraphe.sign.throwaway).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from paraphe.cli.main import cli
from paraphe.sign.throwaway import make_root

CANTAL = 'departement: Cantal\ncode: "15"\nterritories:\n  - Pays de Salers\n  - Saint-Flour Communauté\n'
PEOPLE = {"directeur-caf": "Jean ROUX", "president-cc": "Anne VIDAL"}


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def make_final(path: Path) -> None:
    """A scaffold filled in as a secretariat would, and made final."""
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["status"] = "final"
    data["organisations"]["CAF"] = "Caisse d'allocations familiales du Cantal"
    data["parties"][0]["name"] = "la Caisse d'allocations familiales du Cantal"
    for signatory in data["signatories"]:
        signatory["name"] = PEOPLE[signatory["id"]]
        signatory["civility"] = "Monsieur" if signatory["id"] == "directeur-caf" else "Madame"
    # Signed today, as the document states (verify points out a signature made on another day).
    data["signature"] = {"place": "Mauriac", "date": dt.datetime.now(dt.UTC).date().isoformat()}
    data["sections"][0]["title"] = "Accueillir les jeunes enfants"
    data["sections"][0]["diagnostic"] = ["Une offre d'accueil à consolider."]
    data["sections"][0]["sections"][0]["title"] = "Renforcer l'offre"
    data["sections"][0]["sections"][0]["actions"][0]["title"] = "Ouvrir une micro-crèche"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Path:
    """conventions/cantal/: a final CTG built and signed (a partly and a fully signed copy), an SDSF draft
    built, an SDSF draft never built."""
    root = tmp_path_factory.mktemp("status")
    (root / ".git").mkdir()
    cantal = root / "conventions" / "cantal"
    cantal.mkdir(parents=True)
    (cantal / "territories.yaml").write_text(CANTAL, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        assert (
            run("new", "ctg", "conventions/cantal/ctg-salers-2025.yaml", "--territory", "Pays de Salers").exit_code == 0
        )
        make_final(cantal / "ctg-salers-2025.yaml")
        assert run("new", "sdsf", "conventions/cantal/sdsf-2026-2029.yaml", "--start", "2026").exit_code == 0
        built = run("build", "-j", "1", "--no-certify")
        assert built.exit_code == 0, built.output
        assert run("new", "sdavs", "conventions/cantal/sdavs-2026-2029.yaml").exit_code == 0  # never built
        now = dt.datetime.now(dt.UTC)
        pki = make_root(root / "pki", not_before=now - dt.timedelta(days=1), not_after=now + dt.timedelta(days=30))
        keys = {sid: pki.issue(name, root / "pki", stem=sid).pkcs12 for sid, name in PEOPLE.items()}
        pdf = "build/cantal/ctg-salers-2025.pdf"
        partly, fully = "build/cantal/ctg-salers-2025.caf-signed.pdf", "build/cantal/ctg-salers-2025.signed.pdf"
        for signatory, source, target in (
            ("directeur-caf", pdf, partly),
            ("directeur-caf", pdf, fully),
            ("president-cc", fully, fully),
        ):
            signed = run("sign", source, target, "--signatory", signatory, "--pkcs12", str(keys[signatory]))
            assert signed.exit_code == 0, signed.output
    return root


def status(folder: Path, *args: str) -> Result:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        return run("status", *args)


def test_status_text(folder: Path) -> None:
    result = status(folder)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "conventions/cantal/ctg-salers-2025.yaml: ctg final, valid; built, up to date: "
        "build/cantal/ctg-salers-2025.pdf",
        "  build/cantal/ctg-salers-2025.pdf: 0 of 2 signed; valid, matches the manifest",
        "    to sign: directeur-caf (Jean ROUX), president-cc (Anne VIDAL)",
        "  build/cantal/ctg-salers-2025.caf-signed.pdf: 1 of 2 signed; valid, matches the manifest",
        "    signed: directeur-caf (Jean ROUX)",
        "    to sign: president-cc (Anne VIDAL)",
        "  build/cantal/ctg-salers-2025.signed.pdf: 2 of 2 signed; valid, matches the manifest",
        "    signed: directeur-caf (Jean ROUX), president-cc (Anne VIDAL)",
        "conventions/cantal/sdavs-2026-2029.yaml: sdavs draft, valid; not built",
        "conventions/cantal/sdsf-2026-2029.yaml: sdsf draft, valid; built, up to date: build/cantal/sdsf-2026-2029.pdf",
        "  build/cantal/sdsf-2026-2029.pdf: a draft, not to be signed; valid, matches the manifest",
    ]


def test_status_json(folder: Path) -> None:
    result = status(folder, "conventions/cantal/ctg-salers-2025.yaml", "--format", "json")
    assert result.exit_code == 0, result.output
    [ctg] = json.loads(result.stdout)
    assert (ctg["kind"], ctg["status"], ctg["valid"], ctg["build"]) == ("ctg", "final", True, "up to date")
    copies = {Path(c["file"]).name: c for c in ctg["copies"]}
    full = copies["ctg-salers-2025.signed.pdf"]
    assert (full["complete"], full["valid"], full["matches_manifest"], full["pending"]) == (True, True, True, [])
    assert [p["name"] for p in full["signed"]] == ["Jean ROUX", "Anne VIDAL"]
    partly = copies["ctg-salers-2025.caf-signed.pdf"]
    assert partly["complete"] is False and [p["id"] for p in partly["pending"]] == ["president-cc"]


def test_a_changed_manifest_shows_out_of_date_and_the_copies_no_longer_match(folder: Path, tmp_path: Path) -> None:
    manifest = folder / "conventions" / "cantal" / "ctg-salers-2025.yaml"
    kept = manifest.read_bytes()
    try:
        manifest.write_text(manifest.read_text(encoding="utf-8").replace("Mauriac", "Salers"), encoding="utf-8")
        lines = status(folder, "conventions/cantal/ctg-salers-2025.yaml").stdout.splitlines()
        assert lines[0].endswith("built, OUT OF DATE: build/cantal/ctg-salers-2025.pdf")
        assert "  build/cantal/ctg-salers-2025.signed.pdf: 2 of 2 signed; valid, DOES NOT MATCH the manifest" in lines
        # A signed copy whose bytes were altered is not valid, whatever its signatures say.
        copy = folder / "build" / "cantal" / "ctg-salers-2025.signed.pdf"
        original = copy.read_bytes()
        try:
            copy.write_bytes(original.replace(b"Jean ROUX", b"Jean ROUY", 1))
            tampered = status(folder, "conventions/cantal/ctg-salers-2025.yaml", "--format", "json").stdout
            [entry] = json.loads(tampered)
            signed = next(c for c in entry["copies"] if c["file"].endswith(".signed.pdf"))
            assert signed["valid"] is False and signed["problems"]
        finally:
            copy.write_bytes(original)
    finally:
        manifest.write_bytes(kept)


def test_an_invalid_manifest_is_listed_with_its_errors(folder: Path) -> None:
    broken = folder / "conventions" / "cantal" / "sdavs-2026-2029.yaml"
    kept = broken.read_bytes()
    try:
        broken.write_text(broken.read_text(encoding="utf-8").replace("status: draft", "status: signed"), "utf-8")
        result = status(folder, "conventions/cantal/sdavs-2026-2029.yaml")
        assert result.exit_code == 0
        assert result.stdout == (
            "conventions/cantal/sdavs-2026-2029.yaml: INVALID, 1 error(s) (paraphe validate says where); not built\n"
        )
    finally:
        broken.write_bytes(kept)


def test_sign_speaks_json(folder: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        target = "build/cantal/ctg-salers-2025.json-signed.pdf"
        key = str(folder / "pki" / "president-cc.p12")
        try:
            result = run(
                "sign", "build/cantal/ctg-salers-2025.pdf", target, "--signatory", "president-cc", "--pkcs12", key,
                "--format", "json",
            )  # fmt: skip
            assert result.exit_code == 0, result.output
            signed = json.loads(result.stdout)
            assert signed["file"] == target and signed["complete"] is False
            assert (signed["signatory"]["id"], signed["signatory"]["name"]) == ("president-cc", "Anne VIDAL")
            assert [p["id"] for p in signed["pending"]] == ["directeur-caf"]
            assert signed["holder"] == "Anne VIDAL"
        finally:
            (folder / target).unlink(missing_ok=True)
