"""Who must sign is data: paraphe's national defaults, a département's policy.yaml beside its manifests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from paraphe.cli.main import cli
from paraphe.manifest.policy import national_policy, policy_for
from paraphe.manifest.territories import find_territories_file
from paraphe.pipeline import discover
from support import ROOT

BAZOIS = ROOT / "tests" / "cases" / "real" / "ctg-bazois-2017" / "manifest.yaml"
LOZERE_POLICY = ROOT / "conventions" / "lozere" / "policy.yaml"


def test_national_defaults_are_minimal() -> None:
    [caf, collectivity] = national_policy().of("ctg").signatories
    assert caf.types == ("caf",)
    assert set(collectivity.types) == {"epci", "commune", "syndicat"}
    assert not national_policy().of("ctg").territory_listed
    assert national_policy().of("sdsf").signatories == ()


def test_a_departement_adds_to_them_and_never_removes(tmp_path: Path) -> None:
    shutil.copy(LOZERE_POLICY, tmp_path)
    policy, problems = policy_for(tmp_path / "ctg.yaml")
    assert not problems
    kinds = [r.types for r in policy.of("ctg").signatories]
    assert kinds == [("caf",), ("epci", "commune", "syndicat"), ("departement",), ("etat",), ("epci",)]
    assert policy.of("ctg").territory_listed
    assert policy.path == tmp_path / "policy.yaml"


def test_the_same_ctg_is_valid_or_not_by_its_departements_policy(tmp_path: Path) -> None:
    manifest = tmp_path / "ctg.yaml"
    shutil.copy(BAZOIS, manifest)
    assert CliRunner().invoke(cli, ["validate", str(manifest)]).exit_code == 0
    shutil.copy(LOZERE_POLICY, tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert result.exit_code == 1
    rules = [line.rsplit("[", 1)[-1].rstrip("]") for line in result.stderr.splitlines() if line.endswith("]")]
    # Lozère's policy asks for the State, and for a territory listed in a territories.yaml there is none of.
    assert rules == ["ctg.territory", "signatories.required"]
    assert "a ctg is signed by the State (préfecture, DDCSPP)" in result.stderr


def test_discovery_skips_shared_data() -> None:
    found = discover([ROOT / "conventions"])
    assert all(p.name not in ("territories.yaml", "policy.yaml") for p in found)


def test_a_policy_planted_where_anyone_writes_is_not_read(tmp_path: Path) -> None:
    """The attack: a policy.yaml (or territories.yaml) dropped in /tmp, or in a shared folder above a
    manifest that no conventions/ or repository bounds, would loosen or change what it must say."""
    shared = tmp_path / "shared"
    (shared / "mine").mkdir(parents=True)
    shared.chmod(0o1777)  # as /tmp is
    shutil.copy(LOZERE_POLICY, shared)
    shutil.copy(ROOT / "conventions" / "lozere" / "territories.yaml", shared)
    assert policy_for(shared / "mine" / "ctg.yaml")[0].path is None
    assert find_territories_file(shared / "mine" / "ctg.yaml") is None
    assert policy_for(shared / "ctg.yaml")[0].path is None  # nor beside a manifest in such a folder
    shutil.copy(LOZERE_POLICY, shared / "mine")
    assert policy_for(shared / "mine" / "ctg.yaml")[0].path == shared / "mine" / "policy.yaml"


def test_the_lookup_stops_at_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    (home / "sdsf" / "ctg").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    shutil.copy(LOZERE_POLICY, tmp_path)
    assert policy_for(home / "sdsf" / "ctg" / "ctg.yaml")[0].path is None
    shutil.copy(LOZERE_POLICY, home)
    assert policy_for(home / "sdsf" / "ctg" / "ctg.yaml")[0].path == home / "policy.yaml"


def test_a_template_planted_where_anyone_writes_is_not_used(tmp_path: Path) -> None:
    """The same attack on what the document prints: templates/sdsf.docx dropped in a shared folder."""
    from paraphe.resources import template_candidates

    shared = tmp_path / "shared"
    (shared / "mine").mkdir(parents=True)
    assert shared / "templates" / "sdsf.docx" in template_candidates("sdsf", shared / "mine" / "m.yaml")
    shared.chmod(0o1777)
    assert template_candidates("sdsf", shared / "mine" / "m.yaml") == [shared / "mine" / "templates" / "sdsf.docx"]
