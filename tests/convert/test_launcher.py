"""LibreOffice's start script skipped: its launcher started directly, with what the script would set."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from paraphe.convert.soffice import launcher, program_folder, start_soffice


def test_libreoffice_s_own_script_gives_way_to_its_launcher_and_a_wrapper_does_not(
    soffice: str, tmp_path: Path
) -> None:
    program = program_folder(soffice)
    assert program is not None
    assert launcher(soffice) == str(program / "oosplash")
    assert launcher(str(program / "soffice")) == str(program / "oosplash")
    wrapper = tmp_path / "soffice"
    wrapper.write_text(f'#!/bin/sh\nexec "{shutil.which(soffice)}" "$@"\n')
    wrapper.chmod(0o755)
    assert launcher(str(wrapper)) == str(wrapper)  # it may do more than find LibreOffice: it runs
    assert launcher("/bin/true") == "/bin/true"


@pytest.mark.parametrize(("locale", "seen"), [("", None), ("fr_FR.UTF-8", "fr_FR.UTF-8")])
def test_libreoffice_started_directly_gets_the_environment_its_script_makes(
    soffice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, locale: str, seen: str | None
) -> None:
    """The script exports SAL_ENABLE_FILE_LOCKING=1 and drops an empty LC_ALL (it keeps one that is set):
    the same environment with or without it, so the same conversions."""
    monkeypatch.setenv("LC_ALL", locale)
    monkeypatch.delenv("SAL_ENABLE_FILE_LOCKING", raising=False)
    printed = start_soffice(["/usr/bin/env", "-0"], tmp_path).communicate(timeout=30)[0]
    environment = dict(line.split("=", 1) for line in printed.decode().split("\0") if line)
    assert environment["SAL_ENABLE_FILE_LOCKING"] == "1"
    assert environment.get("LC_ALL") == seen
    assert environment["HOME"] == environment["TMPDIR"] == str(tmp_path)
    assert os.environ["LC_ALL"] == locale  # the build's own is untouched
