"""External processes: each runs in a session of its own, so stopping it stops everything it started."""

from __future__ import annotations

import os
import signal
import subprocess


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
