"""Headless LibreOffice conversion, wrapped like any external tool.

Each conversion runs with its own throw-away user profile (so parallel runs and
a desktop LibreOffice never collide), in its own process group (so a hang is
ended with all its children), under a timeout; and its output is checked,
since soffice exits 0 even when it writes nothing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from paraphe.diagnostics import Location
from paraphe.errors import ConversionError, UsageError
from paraphe.i18n import _
from paraphe.procutil import kill_group, signals_deferred

log = logging.getLogger(__name__)

# Seconds allowed per document; $PARAPHE_SOFFICE_TIMEOUT changes it (slow machines; tests of a hang).
DEFAULT_TIMEOUT = 120.0
TIMEOUT_SETTING = "PARAPHE_SOFFICE_TIMEOUT"
_POLL = 0.25

# writer_pdf_Export options (LibreOffice ≥ 7.4 reads them as JSON): headings
# become bookmarks, which the assembler reads to place its outline; a tagged
# PDF keeps the document accessible.
PDF_FILTER_OPTIONS = {
    "ExportBookmarks": {"type": "boolean", "value": "true"},
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "ExportNotes": {"type": "boolean", "value": "false"},
    "ExportFormFields": {"type": "boolean", "value": "false"},
}
# PDF/A-2b (ISO 19005-2): fonts embedded, XMP metadata, an sRGB output intent; assembly keeps it so.
PDFA_OPTIONS = {"SelectPdfVersion": {"type": "long", "value": "2"}}


def filter_options(*, pdfa: bool = True) -> dict[str, dict[str, str]]:
    """writer_pdf_Export's options: archival PDF/A-2 unless `pdfa` is off."""
    return {**PDF_FILTER_OPTIONS, **(PDFA_OPTIONS if pdfa else {})}


def soffice_timeout() -> float:
    """The seconds given per document: $PARAPHE_SOFFICE_TIMEOUT, or 120.

    Read when a converter is made, not when this module is imported; a value that is not a
    positive number of seconds (`1s`, `2 min`, `0`) is refused rather than silently replaced.
    """
    setting = os.environ.get(TIMEOUT_SETTING, "").strip()
    if not setting:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(setting)
    except ValueError:
        seconds = math.nan
    if not (0 < seconds < math.inf):
        raise UsageError.at(
            Location(TIMEOUT_SETTING),
            _(
                "{setting!r} is not a number of seconds; write, for example, {name}=300",
                setting=setting[:40],
                name=TIMEOUT_SETTING,
            ),
            "io.setting",
        )
    return seconds


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


@dataclass(frozen=True)
class Document:
    """One document to convert: `name` is what errors name (its manifest), `docx` its bytes."""

    name: str
    docx: bytes


Outcome = bytes | ConversionError


# A process that crashed or hung may have been unlucky: these are worth one more try.
_RETRIED = {"convert.timeout", "convert.failed", "convert.no-output", "convert.bad-output"}


def convert_to_pdf(docx: bytes, name: str, *, timeout: float = DEFAULT_TIMEOUT, pdfa: bool = True) -> bytes:
    """Convert a .docx (bytes) to PDF bytes (PDF/A-2b unless `pdfa` is off); `name` is the document named in errors."""
    outcome = convert_documents([Document(name, docx)], timeout=timeout, pdfa=pdfa)[0]
    if isinstance(outcome, ConversionError):
        raise outcome
    return outcome


def convert_documents(
    documents: Sequence[Document], *, timeout: float = DEFAULT_TIMEOUT, pdfa: bool = True
) -> list[Outcome]:
    """Convert in one batch, then give each failed document a fresh LibreOffice of its own, once."""
    outcomes = convert_batch(documents, timeout=timeout, pdfa=pdfa)
    for index, outcome in enumerate(outcomes):
        if isinstance(outcome, ConversionError) and outcome.diagnostics[0].rule in _RETRIED:
            log.info("retrying %s alone: %s", documents[index].name, outcome.diagnostics[0].message)
            retried = convert_batch([documents[index]], timeout=timeout, pdfa=pdfa)[0]
            if isinstance(retried, ConversionError):
                first = retried.diagnostics[0]
                retried = ConversionError.at(
                    first.location, _("{message} (tried twice)", message=first.message), first.rule
                )
            outcomes[index] = retried
    return outcomes


def convert_batch(
    documents: Sequence[Document], *, timeout: float = DEFAULT_TIMEOUT, pdfa: bool = True
) -> list[Outcome]:
    """Convert several documents with one LibreOffice process: its start-up is paid once.

    Each document gets its own outcome, PDF bytes or the error that names it; a process
    that crashes or hangs fails only the documents it had not finished. `timeout` is per
    document.
    """
    if not documents:
        return []
    soffice = find_soffice()
    if soffice is None:
        return [
            ConversionError.at(
                Location(d.name), _("LibreOffice (soffice) is not installed; run `make setup`"), "convert.missing"
            )
            for d in documents
        ]
    with _folder() as (folder, office):
        sources = []
        for index, document in enumerate(documents):
            # One name per document: soffice names each output after its input.
            source = folder / ("document.docx" if len(documents) == 1 else f"document-{index:04d}.docx")
            source.write_bytes(document.docx)
            sources.append(source)
        try:
            run = _run_soffice(soffice, folder, sources, timeout, filter_options(pdfa=pdfa))
        except BaseException:
            if office is not None:
                office.end()
            raise
        if office is not None and run.failure is not None:  # it may hang on a document: not left to the end
            office.end()
        outcomes: list[Outcome] = []
        for document, source in zip(documents, sources, strict=True):
            where = Location(document.name)
            output = folder / "out" / source.with_suffix(".pdf").name
            if is_complete_pdf(output):
                outcomes.append(output.read_bytes())
            elif run.failure is not None:
                outcomes.append(ConversionError.at(where, *run.failure))
            elif not output.is_file() or output.stat().st_size == 0:
                # soffice exits 0 having written nothing: its last words are the only clue.
                message = _("LibreOffice exited without writing a PDF{last_words}", last_words=run.last_words)
                outcomes.append(ConversionError.at(where, message, "convert.no-output"))
            else:
                outcomes.append(
                    ConversionError.at(where, _("LibreOffice wrote an incomplete PDF"), "convert.bad-output")
                )
        return outcomes


# --- A LibreOffice started ahead -----------------------------------------------------------------
#
# LibreOffice's start-up (a second of CPU) is most of a small batch's conversion. The main process
# starts one per worker before it imports the rendering and PDF libraries, on the core its imports
# leave idle; each worker's first `soffice --convert-to`, run on the same profile, hands its documents
# to the one already running (LibreOffice's own single-instance pipe) and waits for them, with every
# check it has alone. The one running ends after serving it. Gone before (crashed, killed), the second
# converts alone, as without it.


@dataclass(frozen=True)
class _Office:
    folder: Path  # its profile, HOME and TMPDIR (so its pipe) are inside
    process: subprocess.Popen[bytes]  # a child of the main process: only there is it reaped

    def end(self) -> None:
        """From any process of the build: its whole group killed. Served, it ends by itself (and its
        CPU time is then counted as its parent's children's)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


# In the main process, then in each forked worker: the offices started ahead, not yet taken.
_started: list[_Office] = []


# How long an office started ahead may live, in documents' allowances (`timeout` each): a batch has 12 at most.
OFFICE_LIFETIME = 16


@contextlib.contextmanager
def offices_started(count: int, *, timeout: float = DEFAULT_TIMEOUT) -> Iterator[None]:
    """Start `count` LibreOffice processes for the conversions to come; all ended and their folders
    removed on leaving. Only LibreOffice's own launcher is started ahead: a wrapper or another
    program given as $PARAPHE_SOFFICE may not hand work over as it does."""
    soffice = find_soffice()
    guard = _guard(timeout * OFFICE_LIFETIME)
    if count < 1 or soffice is None or guard is None or not _is_libreoffice(soffice):
        yield
        return
    started: list[_Office] = []
    try:
        with signals_deferred():  # stopped half-way, a LibreOffice started would not be known, so not ended
            for _ in range(count):
                folder = Path(tempfile.mkdtemp(prefix="paraphe-lo-"))
                try:
                    process = start_soffice([*guard, *soffice_command(soffice, folder)], folder, quiet=True)
                except OSError:  # each conversion, starting its own, will say why
                    shutil.rmtree(folder, ignore_errors=True)
                    break
                started.append(_Office(folder, process))
        _started[:] = started
        yield
    finally:
        _started.clear()
        for office in started:
            kill_group(office.process)
            shutil.rmtree(office.folder, ignore_errors=True)


def _guard(lifetime: float) -> list[str] | None:
    """What an office started ahead runs under, so that it never outlives the build: the kernel tells
    `timeout` when the main process dies, even killed outright (--pdeathsig), and `timeout` then ends
    the office's whole process group; it ends it anyway after `lifetime` seconds. An office waiting for
    work would otherwise wait for ever. None where either tool is missing: nothing is started ahead."""
    setpriv, timeout = shutil.which("setpriv"), shutil.which("timeout")
    if setpriv is None or timeout is None:
        return None
    return [setpriv, "--pdeathsig", "TERM", "--", timeout, "--kill-after=10", f"{math.ceil(lifetime)}"]


def _is_libreoffice(soffice: str) -> bool:
    """`soffice` is LibreOffice's launcher: its program folder holds soffice.bin."""
    found = shutil.which(soffice)
    return found is not None and (Path(os.path.realpath(found)).parent / "soffice.bin").exists()


def _take_office() -> _Office | None:
    """An office started ahead that no other worker took (each serves one conversion)."""
    while _started:
        office = _started.pop(0)
        try:
            os.close(os.open(office.folder / "taken", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except OSError:  # taken by another worker, or already removed
            continue
        return office
    return None


@contextlib.contextmanager
def _folder() -> Iterator[tuple[Path, _Office | None]]:
    """The folder one soffice runs in: a started office's (removed with it, once the build is done),
    or a fresh one, removed on leaving."""
    office = _take_office()
    if office is not None:
        yield office.folder, office
        return
    with tempfile.TemporaryDirectory(prefix="paraphe-lo-") as work:
        yield Path(work), None


@dataclass(frozen=True)
class _Run:
    failure: tuple[str, str] | None  # (message, rule) when the process did not end normally
    last_words: str = ""


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


def _run_soffice(
    soffice: str, folder: Path, sources: list[Path], timeout: float, options: dict[str, dict[str, str]]
) -> _Run:
    """Run one soffice over `sources`, allowing it `timeout` seconds per document."""
    command = [
        *soffice_command(soffice, folder),
        "--nodefault",
        "--convert-to",
        "pdf:writer_pdf_Export:" + json.dumps(options),
        "--outdir",
        str(folder / "out"),
        *(str(s) for s in sources),
    ]
    try:
        process = start_soffice(command, folder)
    except OSError as exc:
        return _Run((f"cannot start LibreOffice ({soffice}): {exc.strerror}", "convert.start"))
    try:
        stdout, stderr = _wait(process, folder / "out", timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        return _Run((f"LibreOffice did not finish within {timeout:g} s and was stopped", "convert.timeout"))
    except BaseException:
        kill_group(process)
        raise
    detail = (stderr or stdout).decode("utf-8", "replace").strip().splitlines()
    tail = f" ({detail[-1]})" if detail else ""
    if process.returncode != 0:
        return _Run((f"LibreOffice failed with exit code {process.returncode}{tail}", "convert.failed"), tail)
    return _Run(None, tail)


def _wait(process: subprocess.Popen[bytes], out: Path, timeout: float) -> tuple[bytes, bytes]:
    """Wait for soffice, giving it `timeout` seconds for each document: a new output resets the clock.

    Raises TimeoutExpired when no document was finished for `timeout` seconds.
    """
    deadline = time.monotonic() + timeout
    finished = 0
    while True:
        try:
            return process.communicate(timeout=max(0.01, min(_POLL, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            now_finished = sum(1 for _ in out.glob("*.pdf")) if out.is_dir() else 0
            if now_finished > finished:
                finished, deadline = now_finished, time.monotonic() + timeout
            elif time.monotonic() >= deadline:
                raise


def is_complete_pdf(output: Path) -> bool:
    """A file that starts like a PDF and ends with its end-of-file marker (soffice may stop half-way)."""
    if not output.is_file():
        return False
    with output.open("rb") as handle:
        head = handle.read(5)
        handle.seek(max(0, output.stat().st_size - 1024))
        return head == b"%PDF-" and b"%%EOF" in handle.read()
