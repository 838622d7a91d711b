"""Headless LibreOffice conversion of a batch of documents, wrapped like any external tool.

Each conversion runs with its own throw-away user profile (so parallel runs and
a desktop LibreOffice never collide), in its own process group (so a hang is
ended with all its children), under a timeout; and its output is checked,
since soffice exits 0 even when it writes nothing. How soffice is found and started
is `soffice`'s; a LibreOffice started ahead of the batch, `ahead`'s.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import math
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from paraphe.convert.ahead import conversion_folder
from paraphe.convert.soffice import (
    end_soffice,
    find_soffice,
    is_complete_pdf,
    remove_pipe,
    soffice_command,
    start_soffice,
)
from paraphe.diagnostics import Location
from paraphe.errors import ConversionError, UsageError
from paraphe.i18n import _

log = logging.getLogger(__name__)

# Seconds allowed per document; $PARAPHE_SOFFICE_TIMEOUT changes it (slow machines; tests of a hang).
DEFAULT_TIMEOUT = 120.0
TIMEOUT_SETTING = "PARAPHE_SOFFICE_TIMEOUT"
_POLL = 0.25
# How often a batch's outputs are looked at when each is wanted as soon as it is finished.
_POLL_READY = 0.05

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


@dataclass(frozen=True)
class Document:
    """One document to convert: `name` is what errors name (its manifest), `docx` its bytes."""

    name: str
    docx: bytes


Outcome = bytes | ConversionError
# Called with a document's index and its PDF as soon as LibreOffice has finished it, while it converts
# the next ones (each document at most once; the outcomes returned are complete regardless).
Ready = Callable[[int, bytes], None]


class Cancellation:
    """How another thread stops a conversion: the soffice running is killed with its group (its
    thread then reports it failed and ends), and none starts after."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancelled = False
        self._running: set[subprocess.Popen[bytes]] = set()

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            for process in self._running:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)

    def start(self, command: list[str], folder: Path) -> subprocess.Popen[bytes] | None:
        """soffice started (`start_soffice`), unless cancelled: None."""
        with self._lock:
            if self._cancelled:
                return None
            process = start_soffice(command, folder)
            self._running.add(process)
            return process

    def ended(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._running.discard(process)


# A process that crashed or hung may have been unlucky: these are worth one more try.
_RETRIED = {"convert.timeout", "convert.failed", "convert.no-output", "convert.bad-output"}


def convert_to_pdf(docx: bytes, name: str, *, timeout: float = DEFAULT_TIMEOUT, pdfa: bool = True) -> bytes:
    """Convert a .docx (bytes) to PDF bytes (PDF/A-2b unless `pdfa` is off); `name` is the document named in errors."""
    outcome = convert_documents([Document(name, docx)], timeout=timeout, pdfa=pdfa)[0]
    if isinstance(outcome, ConversionError):
        raise outcome
    return outcome


def convert_documents(
    documents: Sequence[Document],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    pdfa: bool = True,
    ready: Ready | None = None,
    cancellation: Cancellation | None = None,
) -> list[Outcome]:
    """Convert in one batch, then give each failed document a fresh LibreOffice of its own, once."""
    outcomes = convert_batch(documents, timeout=timeout, pdfa=pdfa, ready=ready, cancellation=cancellation)
    for index, outcome in enumerate(outcomes):
        if isinstance(outcome, ConversionError) and outcome.diagnostics[0].rule in _RETRIED:
            log.info("retrying %s alone: %s", documents[index].name, outcome.diagnostics[0].message)
            retried = convert_batch([documents[index]], timeout=timeout, pdfa=pdfa, cancellation=cancellation)[0]
            if isinstance(retried, ConversionError):
                first = retried.diagnostics[0]
                retried = ConversionError.at(
                    first.location, _("{message} (tried twice)", message=first.message), first.rule
                )
            outcomes[index] = retried
    return outcomes


def convert_batch(
    documents: Sequence[Document],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    pdfa: bool = True,
    ready: Ready | None = None,
    cancellation: Cancellation | None = None,
) -> list[Outcome]:
    """Convert several documents with one LibreOffice process: its start-up is paid once.

    Each document gets its own outcome, PDF bytes or the error that names it; a process
    that crashes or hangs fails only the documents it had not finished. `timeout` is per
    document; `cancellation` lets another thread stop it.
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
    with conversion_folder(ready_within=timeout) as place:
        office, out = place.office, place.work / "out"
        sources = []
        for index, document in enumerate(documents):
            # One name per document: soffice names each output after its input.
            source = place.work / ("document.docx" if len(documents) == 1 else f"document-{index:04d}.docx")
            source.write_bytes(document.docx)
            sources.append(source)
        outputs = [out / source.with_suffix(".pdf").name for source in sources]
        finished: dict[int, bytes] = {}
        watch = None if ready is None else functools.partial(_hand_finished, outputs, finished, ready)
        try:
            options = filter_options(pdfa=pdfa)
            run = _run_soffice(soffice, place.folder, sources, out, timeout, options, watch, cancellation)
        except BaseException:
            if office is not None:
                office.end()
            raise
        if office is not None and run.failure is not None:  # it may hang on a document: not used again
            office.end()
        outcomes: list[Outcome] = []
        for index, (document, output) in enumerate(zip(documents, outputs, strict=True)):
            where = Location(document.name)
            if index in finished:
                outcomes.append(finished[index])
            elif is_complete_pdf(output):
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


@dataclass(frozen=True)
class _Run:
    failure: tuple[str, str] | None  # (message, rule) when the process did not end normally
    last_words: str = ""


def _hand_finished(outputs: list[Path], finished: dict[int, bytes], ready: Ready) -> None:
    """Each output LibreOffice is done with, to `ready`, once: it converts in order, so an output is
    finished once a later one exists (and it ends as a PDF does)."""
    last = max((index for index, output in enumerate(outputs) if output.exists()), default=-1)
    for index in range(last):
        if index not in finished and is_complete_pdf(outputs[index]):
            finished[index] = outputs[index].read_bytes()
            ready(index, finished[index])


def _run_soffice(
    soffice: str,
    folder: Path,
    sources: list[Path],
    out: Path,
    timeout: float,
    options: dict[str, dict[str, str]],
    watch: Callable[[], None] | None = None,
    cancellation: Cancellation | None = None,
) -> _Run:
    """Run one soffice on `folder`'s profile over `sources`, into `out`, allowing it `timeout` seconds per
    document; `watch()` called as it goes."""
    command = [
        *soffice_command(soffice, folder),
        "--nodefault",
        "--convert-to",
        "pdf:writer_pdf_Export:" + json.dumps(options),
        "--outdir",
        str(out),
        *(str(s) for s in sources),
    ]
    try:
        process = start_soffice(command, folder) if cancellation is None else cancellation.start(command, folder)
    except OSError as exc:
        return _Run((f"cannot start LibreOffice ({soffice}): {exc.strerror}", "convert.start"))
    if process is None:
        return _Run(("the conversion was stopped", "convert.failed"))
    try:
        return _ended(process, folder, timeout, out, watch)
    finally:
        if cancellation is not None:
            cancellation.ended(process)


def _ended(
    process: subprocess.Popen[bytes], folder: Path, timeout: float, out: Path, watch: Callable[[], None] | None
) -> _Run:
    """How a soffice started ends: in time, or not (then killed)."""
    try:
        stdout, stderr = _wait(process, out, timeout, watch)
    except subprocess.TimeoutExpired:
        end_soffice(process, folder)
        return _Run((f"LibreOffice did not finish within {timeout:g} s and was stopped", "convert.timeout"))
    except BaseException:
        end_soffice(process, folder)
        raise
    if process.returncode < 0:  # killed (a cancellation from another thread): its socket stays behind
        remove_pipe(folder)
    detail = (stderr or stdout).decode("utf-8", "replace").strip().splitlines()
    tail = f" ({detail[-1]})" if detail else ""
    if process.returncode != 0:
        return _Run((f"LibreOffice failed with exit code {process.returncode}{tail}", "convert.failed"), tail)
    return _Run(None, tail)


def _wait(
    process: subprocess.Popen[bytes], out: Path, timeout: float, watch: Callable[[], None] | None = None
) -> tuple[bytes, bytes]:
    """Wait for soffice, giving it `timeout` seconds for each document: a new output resets the clock.
    `watch()`, when given, is called at each look (more often then).

    Raises TimeoutExpired when no document was finished for `timeout` seconds.
    """
    poll = _POLL if watch is None else _POLL_READY
    deadline = time.monotonic() + timeout
    finished = 0
    while True:
        try:
            return process.communicate(timeout=max(0.01, min(poll, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            if watch is not None:
                watch()
            now_finished = sum(1 for _ in out.glob("*.pdf")) if out.is_dir() else 0
            if now_finished > finished:
                finished, deadline = now_finished, time.monotonic() + timeout
            elif time.monotonic() >= deadline:
                raise
