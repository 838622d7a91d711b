"""Worker processes for a build: each makes one batch and sends back each outcome as soon as it has it.

Forked (they start at once with what the main process imported), at most `count` at a time, one
pipe each. A worker that dies (killed, out of memory) closes its pipe with it: the items it had not
sent are reported as failed, the others kept. Stopped by a signal, a worker raises where it is, so
that its LibreOffice is ended and its temporary folder removed, then exits quietly; the main
process, stopped, tells its workers and waits for them.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import multiprocessing.process
import os
import signal
from collections.abc import Callable, Generator, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from paraphe.procutil import Terminated, ignored

Item = TypeVar("Item", bound=Hashable)
Result = TypeVar("Result")
Make = Callable[[Sequence[Item]], Iterable[tuple[Item, Result]]]


@dataclass
class _Worker(Generic[Item]):
    """A worker process making one batch, and the items whose outcome it has sent back."""

    process: multiprocessing.process.BaseProcess
    outcomes: multiprocessing.connection.Connection
    batch: Sequence[Item]
    sent: set[Item] = field(default_factory=set)


def run_in_workers(
    make: Make[Item, Result],
    batches: Sequence[Sequence[Item]],
    count: int,
    died: Callable[[Item], Result],
    before_later: Callable[[], None] = lambda: None,
) -> Generator[tuple[Item, Result]]:
    """Each item's outcome as soon as a worker has it, `count` workers at a time, one per batch;
    `died(item)` for the items of a worker that died before sending them; `before_later()` before
    each worker forked once the first `count` are (what the first ones had made ready for them)."""
    context = multiprocessing.get_context("fork")
    waiting = collections.deque(batches)
    running: dict[multiprocessing.connection.Connection, _Worker[Item]] = {}
    started: list[_Worker[Item]] = []
    try:
        while waiting or running:
            while waiting and len(running) < count:
                if len(started) >= count:
                    before_later()
                worker = _start(context, make, waiting.popleft())
                started.append(worker)
                running[worker.outcomes] = worker
            yield from _outcomes_of(running, died)
    except BaseException:
        # Stopped (Ctrl-C, SIGTERM to this process alone, an error, the caller's own end): the
        # workers are told too, or they would go on converting, or wait for ever on a hung LibreOffice.
        _stop_workers()
        raise
    finally:
        for worker in started:
            worker.process.join()
            worker.outcomes.close()


def _start(
    context: multiprocessing.context.ForkContext, make: Make[Item, Result], batch: Sequence[Item]
) -> _Worker[Item]:
    outcomes, sender = context.Pipe(duplex=False)
    process = context.Process(target=_in_worker, args=(make, batch, sender), daemon=True)
    process.start()
    sender.close()  # the worker's end, in the worker only: once it is gone, reading says so
    return _Worker(process, outcomes, batch)


def _outcomes_of(
    running: dict[multiprocessing.connection.Connection, _Worker[Item]], died: Callable[[Item], Result]
) -> Iterator[tuple[Item, Result]]:
    """What the running workers have sent; for a worker gone (done, or dead), its items it had not sent."""
    for ready in multiprocessing.connection.wait(list(running)):
        assert isinstance(ready, multiprocessing.connection.Connection)
        worker = running[ready]
        try:
            item, outcome = ready.recv()
        except (EOFError, OSError):  # done, or died (OSError: half-way through sending)
            del running[ready]
            worker.process.join()
            yield from ((item, died(item)) for item in worker.batch if item not in worker.sent)
            continue
        worker.sent.add(item)
        yield item, outcome


# In a worker: whether its batch is being made. SIGTERM then raises there, so that its LibreOffice
# is ended and its temporary folder removed; a worker not yet or no longer busy just exits.
_busy = False


def _in_worker(
    make: Make[Item, Result], batch: Sequence[Item], outcomes: multiprocessing.connection.Connection
) -> None:
    global _busy
    _handle_signals()
    _busy = True
    try:
        for outcome in make(batch):
            outcomes.send(outcome)
    except KeyboardInterrupt:  # Ctrl-C or Terminated, raised by `stopped` once the cleanup has run
        os._exit(1)
    finally:
        _busy = False
        outcomes.close()


def _handle_signals() -> None:
    def stopped(signum: int, _frame: object) -> None:
        # Once: Ctrl-C reaches the workers and the main process, which then sends SIGTERM too;
        # a second signal must not cut short the cleanup the first one started.
        for each in (signal.SIGINT, signal.SIGTERM):
            signal.signal(each, ignored)
        if not _busy:
            os._exit(128 + signum)
        raise KeyboardInterrupt if signum == signal.SIGINT else Terminated(signum)

    signal.signal(signal.SIGINT, stopped)
    signal.signal(signal.SIGTERM, stopped)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # the main process decides, and tells the workers


def _stop_workers() -> None:
    for worker in multiprocessing.active_children():
        if worker.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGTERM)
