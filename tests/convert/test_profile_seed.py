"""A new LibreOffice profile is seeded with the version that uses it: LibreOffice then takes its start
for what it is, not for an upgrade that calls for its graphics self-tests (two thirds of its start-up)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import docx

from paraphe.convert.soffice import installed_version, seed_profile, soffice_command, start_soffice


def test_a_conversion_on_a_seeded_profile_runs_no_graphics_self_tests(soffice: str, tmp_path: Path) -> None:
    source = tmp_path / "source.docx"
    document = docx.Document()
    document.add_paragraph("Profil préparé")
    document.save(str(source))
    out = tmp_path / "out"
    command = [*soffice_command(soffice, tmp_path), "--nodefault", "--convert-to", "pdf", "--outdir", str(out)]
    process = start_soffice([*command, str(source)], tmp_path)
    process.communicate(timeout=120)
    assert process.returncode == 0
    assert (tmp_path / "out" / "source.pdf").stat().st_size > 0
    user = tmp_path / "profile" / "user"
    assert (user / "basic").is_dir()  # LibreOffice made the rest of the profile, as on any first start
    assert not (user / "GraphicsRenderTests.log").exists()  # written by the self-tests when they run


def test_the_seed_is_the_installed_version_and_an_existing_profile_is_left_alone(soffice: str, tmp_path: Path) -> None:
    version = installed_version(soffice)
    reported = subprocess.run([soffice, "--version"], check=True, capture_output=True, text=True, timeout=120).stdout
    assert version is not None and f" {version}." in reported
    seed_profile(soffice, tmp_path / "profile")
    settings = tmp_path / "profile" / "user" / "registrymodifications.xcu"
    assert f"<value>{version}</value>" in settings.read_text(encoding="utf-8")
    settings.write_text("<oor:items/>", encoding="utf-8")
    seed_profile(soffice, tmp_path / "profile")
    assert settings.read_text(encoding="utf-8") == "<oor:items/>"


def test_a_wrapper_gets_no_seed(tmp_path: Path) -> None:
    wrapper = tmp_path / "soffice"
    wrapper.write_text("#!/bin/sh\nexit 0\n")
    wrapper.chmod(0o755)
    seed_profile(str(wrapper), tmp_path / "profile")
    assert not (tmp_path / "profile").exists()
