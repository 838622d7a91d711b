"""Running the build of many conventions: reuse, locks, batches, worker processes, writes.

`pipeline` says what a build does to one document; this module decides when and
where: unchanged documents are reused without being read, every output is locked
for the whole build, stale documents go in batches, one per worker process unless
there are many (one LibreOffice per batch, which pays its start-up once), and each
document, as its worker finishes it, comes back to the main process, which finishes
it (certification) and writes it atomically, recording what it depends on. How the
worker processes run, send back and are stopped is `workers`'.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import time
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from paraphe import incremental, workers
from paraphe.diagnostics import Diagnostic, Location, blocking
from paraphe.errors import ConversionError, ParapheError, internal_error
from paraphe.fsutil import atomic_path, exclusive_lock
from paraphe.i18n import _
from paraphe.paths import display_path
from paraphe.procutil import signals_deferred

log = logging.getLogger(__name__)

# Documents per LibreOffice process at most. Each LibreOffice started costs as much CPU as
# converting eight CTGs, so one per worker is best; but a worker holds its batch's documents
# until they are assembled, so a large build takes several batches per worker, for flat memory.
MAX_BATCH = 12
# How long a build waits for another build of the same output before giving up on it.
LOCK_WAIT = 600.0

Event = Literal["built", "reused", "failed"]


@dataclass(frozen=True)
class Job:
    """One manifest to build, and the stem of its outputs: `<stem>.docx`, `<stem>.pdf`."""

    manifest: Path
    stem: Path


@dataclass(frozen=True)
class Product:
    """What the stages made of one job, before it is written: its bytes and what they came from."""

    job: Job
    docx: bytes
    pdf: bytes
    pages: int
    fingerprint: str
    final: bool
    inputs: Mapping[str, str]  # path → digest of the bytes read, never of a second read
    certified: bool = False
    warnings: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class BuildResult:
    manifest: Path
    docx: Path
    pdf: Path
    pages: int
    fingerprint: str = ""
    certified: bool = False
    final: bool = True
    reused: bool = False
    warnings: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class BuildSummary:
    results: tuple[BuildResult, ...]
    failures: tuple[ParapheError, ...]
    seconds: float
    warnings: tuple[Diagnostic, ...] = ()  # about the run as a whole (manifests sharing an id)

    @property
    def built(self) -> int:
        return sum(not r.reused for r in self.results)

    @property
    def reused(self) -> int:
        return sum(r.reused for r in self.results)


# In a worker: the stages of a build for a batch of jobs (one LibreOffice for the batch), each job's
# outcome given as soon as it is known, so that the main process writes and shows it at once.
Outcome = tuple[Job, "Product | ParapheError"]
MakeBatch = Callable[[Sequence[Job]], Iterable[Outcome]]
# In the main process, before writing: certification, which needs the secretariat's key.
Finish = Callable[[Product], Product]


@dataclass(frozen=True)
class Schedule:
    """How to run a build: where it writes, how many workers, and what makes and finishes a product."""

    out: Path
    make: MakeBatch
    finish: Finish
    identity: str  # what shapes the outputs beyond their inputs (certification key, converter, templates)
    jobs: int = 0  # worker processes; 0: one per core
    force: bool = False
    strict: bool = False  # an output built with warnings is not reused: validated again, it fails
    on_event: Callable[[Event, BuildResult | ParapheError], None] | None = field(default=None, compare=False)
    # In the main process, once, before the workers fork: what they all need (libraries), loaded once and shared.
    prepare: Callable[[], None] | None = field(default=None, compare=False)
    # In the main process, first: what `count` batches will need and can start on their own (their
    # LibreOffice) while the libraries load, ended once the build is done.
    start_ahead: Callable[[int], contextlib.AbstractContextManager[Callable[[], None]]] | None = field(
        default=None, compare=False
    )

    @property
    def workers(self) -> int:
        return self.jobs or os.cpu_count() or 1


def run(jobs: Sequence[Job], schedule: Schedule) -> BuildSummary:
    """Build `jobs`; a failing one does not stop the others.

    Each output is locked for the whole build: a second build of it waits (then, usually,
    reuses what the first wrote) rather than interleave its writes with the first's.
    """
    started = time.monotonic()
    jobs, clashes = _without_clashes(jobs)
    with contextlib.ExitStack() as locks:
        try:
            for stem in sorted({job.stem for job in jobs}):
                lock = incremental.cache_path(schedule.out, stem).with_suffix(".lock")
                shown = display_path(stem.with_suffix(".pdf"))
                locks.enter_context(exclusive_lock(lock, shown, wait=LOCK_WAIT, on_wait=_waiting(shown)))
        except ParapheError as exc:
            return BuildSummary((), (exc, *clashes), time.monotonic() - started)
        results, failures = _run_locked(jobs, schedule)
    return BuildSummary(results, (*failures, *clashes), time.monotonic() - started)


def _without_clashes(jobs: Sequence[Job]) -> tuple[list[Job], list[ParapheError]]:
    """Manifests that would be built into the same output are all refused: neither may overwrite the other."""
    by_output: dict[Path, list[Path]] = {}
    for job in jobs:
        by_output.setdefault(job.stem, []).append(job.manifest)
    kept, clashes = [], []
    for job in jobs:
        same = by_output[job.stem]
        if len(same) == 1:
            kept.append(job)
            continue
        others = ", ".join(display_path(m) for m in same if m != job.manifest)
        target = display_path(job.stem.with_suffix(".pdf"))
        clashes.append(
            ParapheError.at(
                Location(display_path(job.manifest)),
                _("would be built into {target}, like {others}", target=target, others=others),
                "build.same-output",
            )
        )
    return kept, clashes


def _waiting(shown: str) -> Callable[[], None]:
    return lambda: log.warning("%s is being built by another paraphe; waiting for it to finish", shown)


def _run_locked(jobs: Sequence[Job], schedule: Schedule) -> tuple[tuple[BuildResult, ...], list[ParapheError]]:
    results: list[BuildResult] = []
    failures: list[ParapheError] = []

    def report(event: Event, subject: BuildResult | ParapheError) -> None:
        if isinstance(subject, ParapheError):
            failures.append(subject)
        else:
            results.append(subject)
        if schedule.on_event is not None:
            schedule.on_event(event, subject)

    stale: list[Job] = []
    for job in jobs:
        reused = None if schedule.force else _reuse(job, schedule)
        if reused is None:
            stale.append(job)
        else:
            report("reused", reused)
    # Closed however this ends: stopped while writing, the workers are stopped too, not left running.
    with contextlib.closing(_run_batches(_batches(stale, schedule.workers), schedule)) as outcomes:
        for _job, outcome in outcomes:
            if isinstance(outcome, ParapheError):
                report("failed", outcome)
                continue
            try:
                report("built", _write(schedule.finish(outcome), schedule))
            except ParapheError as exc:
                report("failed", exc)
            except Exception as exc:  # noqa: BLE001 - a bug in finishing one document spares the others
                log.debug("unexpected failure writing %s", outcome.job.manifest, exc_info=exc)
                report("failed", internal_error(Location(display_path(outcome.job.manifest)), exc))
    order = {job.manifest: i for i, job in enumerate(jobs)}
    results.sort(key=lambda r: order.get(r.manifest, len(order)))
    return tuple(results), failures


def _reuse(job: Job, schedule: Schedule) -> BuildResult | None:
    docx, pdf = job.stem.with_suffix(".docx"), job.stem.with_suffix(".pdf")
    if not incremental.is_fresh(schedule.out, job.stem, job.manifest, schedule.identity, (docx, pdf)):
        return None
    meta = incremental.read_meta(schedule.out, job.stem)
    warnings = _warnings(meta.get("warnings"))
    if warnings is None or blocking(warnings, strict=schedule.strict):
        return None  # validated again, it fails (strict), or its warnings can no longer be shown
    pages = meta.get("pages", 0)
    return BuildResult(
        job.manifest, docx, pdf, pages if isinstance(pages, int) else 0, str(meta.get("fingerprint", "")),
        bool(meta.get("certified", False)), bool(meta.get("final", True)), reused=True, warnings=warnings,
    )  # fmt: skip


def _warnings(stored: object) -> tuple[Diagnostic, ...] | None:
    """The warnings remembered with an output, shown again when it is reused; None if unreadable."""
    if stored is None:
        return ()
    if not isinstance(stored, list):
        return None
    warnings = [Diagnostic.from_json(w) for w in stored]
    return None if None in warnings else tuple(w for w in warnings if w is not None)


def _batches(stale: list[Job], workers: int) -> list[list[Job]]:
    """Batches of even work, one per worker if they are not too large (MAX_BATCH): the largest
    manifests first, each to the lightest batch not yet full.

    A manifest's size stands for its document's work (the Lozère SDSF's manifest is six times its
    CTG's, its paraphe work four times): taken in turn, alternating manifests would give one
    worker every long document while the other's core waits.
    """
    if not stale:
        return []
    count = max(min(workers, len(stale)), math.ceil(len(stale) / MAX_BATCH))
    room = math.ceil(len(stale) / count)
    batches: list[list[Job]] = [[] for _ in range(count)]
    loads = [0] * count
    for job, weight in sorted(((job, _weight(job)) for job in stale), key=lambda pair: -pair[1]):
        lightest = min((i for i in range(count) if len(batches[i]) < room), key=lambda i: loads[i])
        batches[lightest].append(job)
        loads[lightest] += weight
    return batches


def _weight(job: Job) -> int:
    try:
        return job.manifest.stat().st_size
    except OSError:
        return 0  # reported when its build reads it


def _run_batches(batches: list[list[Job]], schedule: Schedule) -> Generator[Outcome]:
    """Each job's outcome as soon as its worker has it; in this process when one worker is enough."""
    if not batches:
        return
    alone = len(batches) == 1 or schedule.workers <= 1
    count = 1 if alone else min(schedule.workers, len(batches))
    ahead = schedule.start_ahead(count) if schedule.start_ahead else contextlib.nullcontext(lambda: None)
    with ahead as start_another:
        if alone:
            for number, batch in enumerate(batches):
                if number:
                    start_another()  # the last batch's LibreOffice ended with it
                yield from schedule.make(batch)
            return
        # Forked: workers start at once with everything imported (pyHanko's import alone takes a second).
        if schedule.prepare is not None:
            with signals_deferred():
                schedule.prepare()
        yield from workers.run_in_workers(
            schedule.make, batches, schedule.workers, lambda job: _worker_died(job.manifest), start_another
        )


def _worker_died(manifest: Path) -> ParapheError:
    return ConversionError.at(
        Location(display_path(manifest)), _("the build worker for this document died"), "build.worker"
    )


def _write(product: Product, schedule: Schedule) -> BuildResult:
    """Write both outputs atomically, then remember what they came from."""
    stem = product.job.stem
    docx_path, pdf_path = stem.with_suffix(".docx"), stem.with_suffix(".pdf")
    # The record goes first: a build stopped between the two writes then rebuilds, never reuses.
    incremental.forget(schedule.out, stem)
    with atomic_path(docx_path) as docx_tmp, atomic_path(pdf_path) as pdf_tmp:
        docx_tmp.write_bytes(product.docx)
        pdf_tmp.write_bytes(product.pdf)
    meta = {
        "pages": product.pages,
        "fingerprint": product.fingerprint,
        "certified": product.certified,
        "final": product.final,
        "warnings": [w.as_json() for w in product.warnings],
    }
    incremental.remember(schedule.out, stem, schedule.identity, dict(product.inputs), (docx_path, pdf_path), meta)
    log.info("built %s (%d pages)", pdf_path, product.pages)
    return BuildResult(
        product.job.manifest, docx_path, pdf_path, product.pages, product.fingerprint, product.certified,
        product.final, warnings=product.warnings,
    )  # fmt: skip
