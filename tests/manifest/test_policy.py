"""Who must sign is data: paraphe's national defaults, a département's policy.yaml beside its manifests."""

from __future__ import annotations

import os
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
LOZERE = ROOT / "conventions" / "lozere"
LOZERE_POLICY = LOZERE / "policy.yaml"


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
    """The attack: another user drops a policy.yaml (or territories.yaml) in /tmp, or in a shared
    folder above a manifest that no conventions/ or repository bounds, to loosen what it must say."""
    shared = tmp_path / "shared"
    (shared / "mine").mkdir(parents=True)
    shared.chmod(0o1777)  # as /tmp is
    planted = [shutil.copy(LOZERE_POLICY, shared), shutil.copy(LOZERE / "territories.yaml", shared)]
    # The user's own files there are theirs to use (a shared drive whose folders all look writable).
    assert policy_for(shared / "mine" / "ctg.yaml")[0].path == shared / "policy.yaml"
    for path in planted:
        as_another_user(Path(path))
    assert policy_for(shared / "mine" / "ctg.yaml")[0].path is None
    assert find_territories_file(shared / "mine" / "ctg.yaml") is None
    assert policy_for(shared / "ctg.yaml")[0].path is None  # nor beside a manifest in such a folder
    # Another user's file in folders nobody else may write to is a colleague's repository: read.
    shared.chmod(0o755)
    assert policy_for(shared / "mine" / "ctg.yaml")[0].path == shared / "policy.yaml"


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
    from paraphe.resources import template_path

    shared = tmp_path / "shared"
    (shared / "mine").mkdir(parents=True)
    (shared / "templates").mkdir()
    shared.chmod(0o1777)
    planted = Path(shutil.copy(template_path("sdsf"), shared / "templates" / "sdsf.docx"))
    assert template_path("sdsf", shared / "mine" / "m.yaml") == planted  # the user's own
    as_another_user(planted)
    assert template_path("sdsf", shared / "mine" / "m.yaml") == template_path("sdsf")
    as_another_user(shared / "templates")  # the folder too, writable by nobody else: still under /tmp
    assert template_path("sdsf", shared / "mine" / "m.yaml") == template_path("sdsf")


def as_another_user(path: Path) -> None:
    """`path` given to `nobody`, as a file another user made (needs root, as the test machines run)."""
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another user")
    os.chown(path, 65534, 65534)
