"""A new LibreOffice profile is seeded with the version and the build that use it: LibreOffice then takes
its start for what it is, not for an upgrade that calls for its graphics self-tests (two thirds of its
start-up), nor for a new build whose extension folder it clears and then restarts itself for."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import docx

from paraphe.convert.soffice import installed_build, installed_version, seed_profile, soffice_command, start_soffice


def convert_once(soffice: str, folder: Path, before: Callable[[Path], None] = lambda user: None) -> Path:
    """A document converted on the profile in `folder`, seeded as paraphe seeds it; `before(user)` is
    called once it is seeded, before LibreOffice starts. The profile's user folder."""
    source = folder / "source.docx"
    document = docx.Document()
    document.add_paragraph("Profil préparé")
    document.save(str(source))
    command = [*soffice_command(soffice, folder), "--nodefault", "--convert-to", "pdf", "--outdir", str(folder / "out")]
    user = folder / "profile" / "user"
    before(user)
    process = start_soffice([*command, str(source)], folder)
    process.communicate(timeout=120)
    assert process.returncode == 0
    assert (folder / "out" / "source.pdf").stat().st_size > 0
    assert (user / "basic").is_dir()  # LibreOffice made the rest of the profile, as on any first start
    return user


def test_a_conversion_on_a_seeded_profile_runs_no_graphics_self_tests(soffice: str, tmp_path: Path) -> None:
    user = convert_once(soffice, tmp_path)
    assert not (user / "GraphicsRenderTests.log").exists()  # written by the self-tests when they run


def test_a_conversion_on_a_seeded_profile_does_not_restart_libreoffice(soffice: str, tmp_path: Path) -> None:
    """LibreOffice restarts itself after clearing its extension folder, which it does when the build
    recorded there is not its own: the file seeded would then be removed and written anew."""
    seeded: list[os.stat_result] = []
    user = convert_once(soffice, tmp_path, lambda user: seeded.append((user / "extensions" / "buildid").stat()))
    buildid = user / "extensions" / "buildid"
    assert buildid.read_text(encoding="utf-8") == installed_build(soffice)
    after = buildid.stat()
    assert (after.st_ino, after.st_mtime_ns) == (seeded[0].st_ino, seeded[0].st_mtime_ns)


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


def _installation(root: Path, version_file: bytes | None, versionrc: bytes) -> str:
    """A LibreOffice installation as paraphe reads it: its launcher, program, configuration and versionrc."""
    program = root / "program"
    program.mkdir(parents=True)
    for name in ("soffice", "soffice.bin"):
        (program / name).write_text("#!/bin/sh\nexit 0\n")
        (program / name).chmod(0o755)
    (program / "versionrc").write_bytes(versionrc)
    if version_file is not None:
        (root / "share" / "registry").mkdir(parents=True)
        (root / "share" / "registry" / "main.xcd").write_bytes(version_file)
    return str(program / "soffice")


def test_an_installation_s_version_and_build_are_read_where_their_files_are_mapped(tmp_path: Path) -> None:
    soffice = _installation(
        tmp_path,
        b'<x/>\n<prop oor:name="ooSetupVersion" oor:type="xs:string">\n <value>9.9</value>',
        b"buildid=12(B:3)\n",
    )
    assert (installed_version(soffice), installed_build(soffice)) == ("9.9", "12(B:3)")


def test_an_installation_whose_files_are_empty_or_missing_has_no_version(tmp_path: Path) -> None:
    """An empty file cannot be mapped: no version, not an error."""
    soffice = _installation(tmp_path / "empty", b"", b"")
    assert (installed_version(soffice), installed_build(soffice)) == (None, None)
    soffice = _installation(tmp_path / "missing", None, b"[Version]\n")
    assert (installed_version(soffice), installed_build(soffice)) == (None, None)
