"""LibreOffice's launcher, run like any external tool: found, started in a session of its own with a
throw-away profile, its output checked (it exits 0 even when it writes nothing)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

log = logging.getLogger(__name__)


def find_soffice() -> str | None:
    """The LibreOffice executable, from $PARAPHE_SOFFICE or the PATH."""
    configured = os.environ.get("PARAPHE_SOFFICE")
    if configured:
        return configured
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def soffice_command(soffice: str, folder: Path) -> list[str]:
    """soffice without a screen, with a throw-away profile in `folder` (so runs never collide)."""
    profile = folder / "profile"
    return [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--norestore",
        "--nolockcheck",
    ]


def start_soffice(command: list[str], folder: Path, *, quiet: bool = False) -> subprocess.Popen[bytes]:
    """Start soffice in a session of its own, HOME and TMPDIR inside `folder`; `quiet`: its output discarded.

    Its own session lets `kill_group` end it with every child; its own HOME and TMPDIR mean
    whatever a killed soffice leaves behind goes away with `folder`.
    """
    log.debug("running %s", command)
    output = subprocess.DEVNULL if quiet else subprocess.PIPE
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=output,
        start_new_session=True,
        env={**os.environ, "HOME": str(folder), "TMPDIR": str(folder)},
    )


def is_complete_pdf(output: Path) -> bool:
    """A file that starts like a PDF and ends with its end-of-file marker (soffice may stop half-way)."""
    if not output.is_file():
        return False
    with output.open("rb") as handle:
        head = handle.read(5)
        handle.seek(max(0, output.stat().st_size - 1024))
        return head == b"%PDF-" and b"%%EOF" in handle.read()
