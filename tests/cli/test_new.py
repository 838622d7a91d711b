"""`paraphe new`, `paraphe schema` and the territories file's schema: starting a convention in a
département's own repository, as a new secretariat would (issue 17, items 1 and 5)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner, Result

from paraphe.cli.main import cli
from support import ROOT, flat, pdf_text
from support.documents import departement_repository


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A département's conventions repository: conventions/cantal/ with its territories list, nothing else."""
    return departement_repository(tmp_path, monkeypatch)


def schema_errors(manifest: Path, name: str = "convention") -> list[str]:
    """What an editor's YAML language server would flag: the published schema on the file as YAML reads it."""
    schema = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]


@pytest.mark.parametrize("kind", ["sdsf", "sdavs", "ctg"])
def test_new_writes_a_commented_valid_draft_of_every_kind(repository: Path, kind: str) -> None:
    path = Path(f"conventions/cantal/{kind}-cantal-2026.yaml")
    result = run("new", kind, str(path), "--territory", "pays de salers", "--start", "2026")
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    # The editor's line points at the schema where `paraphe schema -o` writes it, at the repository's top.
    assert text.startswith("# yaml-language-server: $schema=../../schemas/convention.schema.json\n")
    assert "paraphe schema -o schemas/convention.schema.json" in result.stderr
    assert "[à compléter]" in text and "# " in text.split("\n", 5)[-1]  # comments to fill it in
    data = yaml.safe_load(text)
    assert (data["id"], data["kind"], data["status"]) == (f"{kind}-cantal-2026", kind, "draft")
    assert data["period"] == {"start": 2026, "end": 2030 if kind == "ctg" else 2029}
    if kind == "ctg":  # the CTG's territory, spelled as the département lists it
        assert data["territory"]["name"] == "Pays de Salers"
        assert [p["org"] for p in data["parties"]] == ["CAF", "CC Pays de Salers"]
    assert schema_errors(path) == []
    validated = run("validate", str(path))
    assert validated.exit_code == 0, validated.output
    assert validated.stderr == "" and validated.stdout == "1 manifest(s) valid\n"


def test_a_schema_takes_its_departement_from_the_territories_list(repository: Path) -> None:
    path = Path("conventions/cantal/sdsf-2026-2029.yaml")
    assert run("new", "sdsf", str(path), "--start", "2026").exit_code == 0
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["territory"] == {"name": "Cantal", "label": "Cantal", "code": "15"}


def test_new_follows_the_departements_policy(repository: Path) -> None:
    """A département that asks every CTG for the State and the Département gets them in the draft."""
    policy = (
        "ctg:\n  signatories:\n    - types: [etat]\n      label: the State\n"
        "    - types: [departement]\n      label: its Département\n"
    )
    (repository / "conventions" / "cantal" / "policy.yaml").write_text(policy, encoding="utf-8")
    path = Path("conventions/cantal/ctg-salers-2025.yaml")
    assert run("new", "ctg", str(path), "--territory", "Pays de Salers").exit_code == 0
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [s["org"] for s in data["signatories"]] == ["CAF", "CC Pays de Salers", "État", "Département"]
    assert run("validate", str(path)).exit_code == 0


def test_new_never_overwrites_and_refuses_what_it_cannot_write(repository: Path) -> None:
    path = repository / "conventions" / "cantal" / "ctg-salers-2025.yaml"
    path.write_text("kind: ctg\n# my work\n", encoding="utf-8")
    result = run("new", "ctg", str(path.relative_to(repository)), "--territory", "Pays de Salers")
    assert result.exit_code == 2
    assert result.stderr == (
        "conventions/cantal/ctg-salers-2025.yaml: error: this file already exists; paraphe new never overwrites one"
        " [new.exists]\n"
    )
    assert path.read_text(encoding="utf-8") == "kind: ctg\n# my work\n"
    missing = run("new", "ctg", "conventions/cantal/ctg-x-2025.yaml")
    assert missing.exit_code == 2
    assert "give the CTG's territory with --territory, one of: Saint-Flour Communauté," in missing.stderr
    assert run("new", "memo", "conventions/cantal/x.yaml").exit_code == 2  # click: not a kind
    assert sorted(p.name for p in path.parent.iterdir()) == ["ctg-salers-2025.yaml", "territories.yaml"]


def test_without_a_territories_list_the_territory_is_to_fill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = Path("ctg-test-2025.yaml")
    result = run("new", "ctg", str(path), "--start", "2025")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["territory"]["name"] == "[à compléter]"
    assert run("validate", str(path)).exit_code == 0


def test_the_scaffolds_build(repository: Path, soffice: str) -> None:
    """`new`, then `validate`, then `build`: a draft marked « PROJET » with the territory and the placeholders."""
    for kind in ("ctg", "sdsf"):
        path = f"conventions/cantal/{kind}-salers-2025.yaml"
        assert run("new", kind, path, "--territory", "Pays de Salers", "--start", "2025").exit_code == 0
    assert run("validate").exit_code == 0
    built = run("build", "-j", "1", "--format", "json")
    assert built.exit_code == 0, built.output
    assert [(d["manifest"], d["final"]) for d in json.loads(built.stdout)["documents"]] == [
        ("conventions/cantal/ctg-salers-2025.yaml", False),
        ("conventions/cantal/sdsf-salers-2025.yaml", False),
    ]
    ctg = flat(pdf_text(repository / "build" / "cantal" / "ctg-salers-2025.pdf"))
    assert "Entre les soussignés" in ctg and "Communauté de communes Pays de Salers" in ctg
    assert "2025 – 2029" in ctg and "[à compléter]" in ctg
    assert "Pays de Salers" in flat(pdf_text(repository / "build" / "cantal" / "sdsf-salers-2025.pdf"))


def test_schema_prints_or_writes_the_published_schemas(repository: Path) -> None:
    printed = run("schema")
    assert printed.exit_code == 0
    assert json.loads(printed.stdout) == json.loads((ROOT / "schemas" / "convention.schema.json").read_text("utf-8"))
    territories = json.loads(run("schema", "territories").stdout)
    assert territories["required"] == ["departement", "territories"]
    written = run("schema", "-o", "schemas/convention.schema.json")
    assert written.exit_code == 0 and written.stderr == "wrote schemas/convention.schema.json\n"
    assert (repository / "schemas" / "convention.schema.json").read_text("utf-8") == printed.stdout
    # Once it is there, `new` points at it and gives no hint.
    result = run("new", "sdsf", "conventions/cantal/sdsf-2026-2029.yaml")
    assert result.exit_code == 0 and result.stderr == ""
    assert schema_errors(repository / "conventions" / "cantal" / "territories.yaml", "territories") == []


def test_the_territories_file_is_checked_against_its_schema(repository: Path) -> None:
    listing = repository / "conventions" / "cantal" / "territories.yaml"
    listing.write_text(
        'departement: Cantal\ncode: 15\nsince: "1er janvier 2017"\nterritories:\n  - Pays de Salers\n  - 12\n',
        encoding="utf-8",
    )
    result = run("new", "ctg", "conventions/cantal/ctg-salers-2025.yaml", "--territory", "Pays de Salers")
    assert result.exit_code == 2
    shown = "conventions/cantal/territories.yaml"
    assert result.stderr.splitlines() == [
        f'{shown}:2:7: error: \'code\' is the département\'s code in quotes ("15", "2A") [territories.shape]',
        f"{shown}:3:8: error: 'since' is a date in quotes, YYYY-MM-DD (\"2017-01-01\") [territories.shape]",
        f"{shown}:6:5: error: 'territories' lists the communautés de communes, one name each [territories.shape]",
    ]
    # The published schema says the same to an editor.
    assert len(schema_errors(listing, "territories")) == 3
    assert re.search(r"departement", run("schema", "territories").stdout)
