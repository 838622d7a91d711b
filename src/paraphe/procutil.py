"""External processes: each runs in a session of its own, so stopping it stops everything it started."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Iterator


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill `process` and every process it started (its session), then reap it and close its pipes."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        pass  # a grandchild holding the pipes open; the pipes are closed below
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()
    process.wait()


# What a service manager, CI or a closed terminal sends to stop a run: ended as Ctrl-C ends it.
TERMINATING = (signal.SIGTERM, signal.SIGHUP)


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the process was: every cleanup that runs on Ctrl-C runs
    (LibreOffice's process group killed, temporary files removed, locks released, outputs kept)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def ignored(_signum: int, _frame: object) -> None:
    """A handler that does nothing; not SIG_IGN, which a signal already pending would report as a
    « race condition » on the way out."""


def raise_on_termination() -> None:
    """From now on, SIGTERM and SIGHUP raise `Terminated` in this process's main thread, once:
    a second signal while cleaning up is ignored, so the cleanup is not itself cut short."""

    def terminated(signum: int, _frame: object) -> None:
        for each in TERMINATING:
            signal.signal(each, ignored)
        raise Terminated(signum)

    for each in TERMINATING:
        signal.signal(each, terminated)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP noted while the block runs, and acted on (raised) once it is done.

    For loading native libraries: an exception raised inside a C extension's initialisation
    (pikepdf's, through nanobind) aborts the process with a core dump instead of unwinding to the
    cleanup that ends LibreOffice and removes temporary files.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # signals only ever reach the main thread's handlers
        return
    received: list[int] = []

    def note(signum: int, _frame: object) -> None:
        received.append(signum)

    stopping = (signal.SIGINT, *TERMINATING)
    previous = {each: signal.signal(each, note) for each in stopping}
    try:
        yield
    finally:
        for each, handler in previous.items():
            signal.signal(each, handler)
        handler = previous[signal.Signals(received[0])] if received else None
        if callable(handler):
            handler(received[0], None)  # raises, as it would have at once
