"""Headless LibreOffice conversion, wrapped like any external tool.

Each conversion runs with its own throw-away user profile (so parallel runs and
a desktop LibreOffice never collide), in its own process group (so a hang is
ended with all its children), under a timeout; and its output is checked,
since soffice exits 0 even when it writes nothing.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from paraphe.diagnostics import Location
from paraphe.errors import ConversionError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 120.0

# writer_pdf_Export options (LibreOffice ≥ 7.4 reads them as JSON): headings
# become bookmarks, which the assembler reads to place its outline; a tagged
# PDF keeps the document accessible.
_PDF_OPTIONS = {
    "ExportBookmarks": {"type": "boolean", "value": "true"},
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "ExportNotes": {"type": "boolean", "value": "false"},
    "ExportFormFields": {"type": "boolean", "value": "false"},
}


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


def convert_to_pdf(docx: bytes, name: str, *, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Convert a .docx (bytes) to PDF bytes; `name` is the document named in errors."""
    where = Location(name)
    soffice = find_soffice()
    if soffice is None:
        raise ConversionError.at(where, "LibreOffice (soffice) is not installed; run `make setup`", "convert.missing")
    with tempfile.TemporaryDirectory(prefix="paraphe-lo-") as work:
        folder = Path(work)
        source = folder / "document.docx"
        source.write_bytes(docx)
        profile = folder / "profile"
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            "pdf:writer_pdf_Export:" + json.dumps(_PDF_OPTIONS),
            "--outdir",
            str(folder / "out"),
            str(source),
        ]
        log.debug("running %s", command)
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                env={**os.environ, "HOME": str(folder)},
            )
        except OSError as exc:
            raise ConversionError.at(
                where, f"cannot start LibreOffice ({soffice}): {exc.strerror}", "convert.start"
            ) from None
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise ConversionError.at(
                where, f"LibreOffice did not finish within {timeout:g} s and was stopped", "convert.timeout"
            ) from None
        except BaseException:
            _kill_group(process)
            raise
        output = folder / "out" / "document.pdf"
        detail = (stderr or stdout).decode("utf-8", "replace").strip().splitlines()
        tail = f" ({detail[-1]})" if detail else ""
        if process.returncode != 0:
            raise ConversionError.at(
                where, f"LibreOffice failed with exit code {process.returncode}{tail}", "convert.failed"
            )
        if not output.is_file() or output.stat().st_size == 0:
            raise ConversionError.at(where, f"LibreOffice exited without writing a PDF{tail}", "convert.no-output")
        data = output.read_bytes()
        if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
            raise ConversionError.at(where, "LibreOffice wrote an incomplete PDF", "convert.bad-output")
        return data


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()
    process.wait()
