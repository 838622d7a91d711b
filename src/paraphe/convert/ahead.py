"""LibreOffice started ahead of its conversions, each serving every conversion of the worker that takes it.

LibreOffice's start-up (a third of a second of CPU, its profile seeded) is most of a small batch's
conversion. The main process starts one per worker before it imports the rendering and PDF libraries,
on the core its imports leave idle; each worker's first `soffice --convert-to`, run on the same
profile once the one already running greets on its socket, hands its documents to it (LibreOffice's
own single-instance pipe) and waits for them, with every check it has alone. The office keeps a
placeholder document open, or it would end once it has served: the worker's later conversions (the
Sommaire's numbers, converted again) are handed to it too, until the worker releases it. Gone
before (crashed, killed) or not greeting in time, it is done without.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from paraphe.convert.soffice import (
    end_soffice,
    find_soffice,
    office_ready,
    program_folder,
    remove_pipe,
    soffice_command,
    start_soffice,
)
from paraphe.procutil import signals_deferred


@dataclass(frozen=True)
class Office:
    """A LibreOffice started ahead, waiting in its folder for one conversion."""

    folder: Path  # its profile, HOME and TMPDIR are inside (its socket is in /tmp: soffice.office_pipe)
    process: subprocess.Popen[bytes]  # a child of the main process: only there is it reaped

    def end(self) -> None:
        """From any process of the build: its whole group killed (the main process reaps it)."""
        global _taken
        if _taken is self:
            _taken = None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        remove_pipe(self.folder)

    def close(self) -> None:
        """From any process of the build, once it has served: LibreOffice asked to quit (SIGTERM), as it
        does in hundredths of a second, so that each process of the chain is waited for by its parent
        and their CPU time is counted as the build's; then ended all the same."""
        for pid in _members(self.process.pid):
            with contextlib.suppress(OSError):
                if Path(f"/proc/{pid}/comm").read_text().strip() == "soffice.bin":
                    os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + QUIT_WITHIN
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        self.end()

    def alive(self) -> bool:
        """From any process of the build (only the main one may wait for it): not yet exited."""
        try:
            stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        except OSError:
            return False
        return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _members(group: int) -> list[int]:
    """The processes of a process group (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, ValueError, IndexError):
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) == group:
                found.append(int(entry.name))
    return found


# Seconds LibreOffice is given to quit when asked, before it is killed.
QUIT_WITHIN = 5.0
# In the main process, then in each forked worker: the offices started ahead, not yet taken.
_started: list[Office] = []
# In a process: the office it took, which serves its conversions until `release_office`.
_taken: Office | None = None
# The document an office keeps open (empty): LibreOffice ends once a conversion handed to it is
# done and it has no document open.
PLACEHOLDER = "placeholder.txt"


# How long an office started ahead may live, in documents' allowances (`timeout` each): a batch has 12
# documents at most, a Sommaire converted again adds one or two.
OFFICE_LIFETIME = 16


@contextlib.contextmanager
def offices_started(count: int, *, timeout: float) -> Iterator[Callable[[], None]]:
    """Start `count` LibreOffice processes for the conversions to come; give a function that starts one
    more (for a batch whose worker forks later, once an earlier one is done); all ended and their
    folders removed on leaving. Only LibreOffice's own launcher is started ahead: a wrapper or another
    program given as $PARAPHE_SOFFICE may not hand work over as it does."""
    soffice = find_soffice()
    guard = _guard(timeout * OFFICE_LIFETIME)
    if count < 1 or soffice is None or guard is None or program_folder(soffice) is None:
        yield lambda: None
        return
    started: list[Office] = []

    def start_one() -> None:
        with signals_deferred():  # stopped half-way, a LibreOffice started would not be known, so not ended
            folder = Path(tempfile.mkdtemp(prefix="paraphe-lo-"))
            try:
                (folder / PLACEHOLDER).touch()
                command = [*guard, *soffice_command(soffice, folder), "--nodefault", str(folder / PLACEHOLDER)]
                process = start_soffice(command, folder, quiet=True)
            except OSError:  # each conversion, starting its own, will say why
                shutil.rmtree(folder, ignore_errors=True)
                return
            started.append(Office(folder, process))
            _started.append(started[-1])

    try:
        _started.clear()
        for _ in range(count):
            start_one()
        yield start_one
    finally:
        _started.clear()
        for office in started:
            end_soffice(office.process, office.folder)
            shutil.rmtree(office.folder, ignore_errors=True)


def _guard(lifetime: float) -> list[str] | None:
    """What an office started ahead runs under, so that it never outlives the build: the kernel tells
    `timeout` when the main process dies, even killed outright (--pdeathsig), and `timeout` then ends
    the office's whole process group; it ends it anyway after `lifetime` seconds. An office waiting for
    work would otherwise wait for ever. None where a tool is missing: nothing is started ahead.

    The kernel only tells of a death after setpriv asked it to: the shell between them checks that its
    parent is still the main process, or it would start an office nobody will end.
    """
    setpriv, sh, timeout = (shutil.which(name) for name in ("setpriv", "sh", "timeout"))
    if setpriv is None or sh is None or timeout is None:
        return None
    parent_check = 'test "$PPID" = "$0" && exec "$@"'
    return [
        setpriv, "--pdeathsig", "TERM", "--", sh, "-c", parent_check, str(os.getpid()),
        timeout, "--kill-after=10", f"{math.ceil(lifetime)}",
    ]  # fmt: skip


def _take_office() -> Office | None:
    """An office started ahead that no other worker took (each serves one conversion)."""
    while _started:
        office = _started.pop(0)
        try:
            os.close(os.open(office.folder / "taken", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except OSError:  # taken by another worker, or already removed
            continue
        return office
    return None


@dataclass(frozen=True)
class Place:
    """Where one soffice runs: `folder` holds its profile (HOME and TMPDIR), `work` its documents and
    their outputs; `office`, when there is one, takes the documents."""

    folder: Path
    work: Path
    office: Office | None


@contextlib.contextmanager
def conversion_folder(ready_within: float) -> Iterator[Place]:
    """Where one soffice runs: on the profile of the office this process took, or of one started ahead
    (removed with it, once the build is done), its documents in a folder of their own; or in a fresh
    folder, removed on leaving. An office taken must take documents within `ready_within` seconds, or
    it is ended and not used: a soffice run while it still starts could end up converting alone and
    leave it waiting for ever."""
    office = _office(ready_within)
    if office is not None:
        work = Path(tempfile.mkdtemp(prefix="call-", dir=office.folder))
        try:
            yield Place(office.folder, work, office)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    with tempfile.TemporaryDirectory(prefix="paraphe-lo-") as fresh:
        yield Place(Path(fresh), Path(fresh), None)


def _office(ready_within: float) -> Office | None:
    """The office this process took, still running; or one started ahead, once it greets."""
    global _taken
    if _taken is not None:
        if _taken.alive():
            return _taken
        _taken.end()
    office = _take_office()
    if office is None:
        return None
    if not office_ready(office.folder, ready_within, office.alive):
        office.end()
        return None
    _taken = office
    return office


def release_office(*, served: bool = True) -> None:
    """The office this process took ended, its conversions done (a worker's batch, a build alone):
    asked to quit once it has `served`; killed at once when they were cut short (Ctrl-C, an error),
    as it may be busy converting."""
    if _taken is not None:
        if served:
            _taken.close()
        else:
            _taken.end()
