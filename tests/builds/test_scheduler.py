"""The scheduler: batches of even work; what every worker needs prepared once, before the workers fork;
each document written as soon as its worker sends it; a worker that dies fails only what it had not sent."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from paraphe import scheduler
from paraphe.errors import ParapheError
from paraphe.scheduler import Job, Product, Schedule
from support import LOZERE


def _note(calls: Path, what: str) -> None:
    with calls.open("a", encoding="utf-8") as handle:
        handle.write(f"{what} {os.getpid()}\n")


def _make(calls: Path, batch: Sequence[Job]) -> list[tuple[Job, Product]]:
    _note(calls, "make")
    return [(job, Product(job, b"docx", b"%PDF-1.7\n", 1, "f", False, {})) for job in batch]


def _jobs(tmp_path: Path, count: int = 4) -> list[Job]:
    jobs = []
    for number in range(count):
        manifest = tmp_path / f"m{number}.yaml"
        manifest.write_text(f"id: m{number}\n", encoding="utf-8")
        jobs.append(Job(manifest, tmp_path / "build" / f"m{number}"))
    return jobs


def _run(tmp_path: Path, workers: int) -> list[str]:
    calls, out = tmp_path / "calls", tmp_path / "build"
    jobs = _jobs(tmp_path)
    schedule = Schedule(
        out=out,
        make=functools.partial(_make, calls),
        finish=lambda product: product,
        identity="test",
        jobs=workers,
        prepare=functools.partial(_note, calls, "prepare"),
    )
    summary = scheduler.run(jobs, schedule)
    assert summary.built == 4 and not summary.failures
    return calls.read_text(encoding="utf-8").splitlines()


def test_prepared_once_in_the_main_process_then_the_workers_fork(tmp_path: Path) -> None:
    calls = _run(tmp_path, workers=2)
    assert calls[0] == f"prepare {os.getpid()}"
    makers = calls[1:]
    assert len(makers) == 2 and all(line.startswith("make ") and line != f"make {os.getpid()}" for line in makers)


def test_nothing_prepared_when_the_main_process_builds_alone(tmp_path: Path) -> None:
    assert _run(tmp_path, workers=1) == [f"make {os.getpid()}"]


def _written_one_by_one(batch: Sequence[Job]) -> Iterator[tuple[Job, Product]]:
    """Each document only once the one before it is written: the main process writes each as it comes."""
    for job in batch:
        yield job, Product(job, b"docx", b"%PDF-1.7\n", 1, "f", False, {})
        deadline = time.monotonic() + 60  # a guard against hanging, not a timing
        while not job.stem.with_suffix(".pdf").exists():
            assert time.monotonic() < deadline, f"{job.stem} not written while its worker goes on"
            time.sleep(0.01)


def test_each_document_is_written_as_soon_as_its_worker_sends_it(tmp_path: Path) -> None:
    events: list[str] = []
    schedule = Schedule(
        out=tmp_path / "build", make=_written_one_by_one, finish=lambda product: product, identity="test", jobs=2,
        on_event=lambda event, subject: events.append(event),
    )  # fmt: skip
    summary = scheduler.run(_jobs(tmp_path, 6), schedule)
    assert summary.built == 6 and not summary.failures and events == ["built"] * 6


def _dies_after_one(batch: Sequence[Job]) -> Iterator[tuple[Job, Product]]:
    yield batch[0], Product(batch[0], b"docx", b"%PDF-1.7\n", 1, "f", False, {})
    deadline = time.monotonic() + 60
    while not batch[0].stem.with_suffix(".pdf").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(os.getpid(), signal.SIGKILL)
    yield from ()


def test_a_worker_that_dies_fails_only_the_documents_it_had_not_sent(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, 6)
    schedule = Schedule(out=tmp_path / "build", make=_dies_after_one, finish=lambda p: p, identity="test", jobs=2)
    summary = scheduler.run(jobs, schedule)
    assert summary.built == 2 and all(r.pdf.is_file() for r in summary.results)
    assert len(summary.failures) == 4
    assert all(isinstance(f, ParapheError) and f.diagnostics[0].rule == "build.worker" for f in summary.failures)
    failed = {Path(f.diagnostics[0].location.file).name for f in summary.failures}
    assert len(failed) == 4 and failed.isdisjoint(r.manifest.name for r in summary.results)


def test_long_documents_are_shared_between_the_batches(tmp_path: Path) -> None:
    jobs = []
    for number, size in enumerate([50_000, 9_000, 50_000, 9_000, 50_000, 9_000, 50_000, 9_000, 12_000, 40_000]):
        manifest = tmp_path / f"m{number}.yaml"
        manifest.write_bytes(b"#" * size)
        jobs.append(Job(manifest, tmp_path / f"m{number}"))
    batches = scheduler._batches(jobs, workers=2)
    assert sorted(str(job.manifest) for batch in batches for job in batch) == sorted(str(job.manifest) for job in jobs)
    assert [len(batch) for batch in batches] == [5, 5]
    loads = [sum(job.manifest.stat().st_size for job in batch) for batch in batches]
    assert max(loads) - min(loads) <= 30_000  # the best split: 158 000 and 130 000; taken in turn, 212 000 and 76 000
    assert len(scheduler._batches(jobs * 2, workers=2)) == 2  # one LibreOffice per worker for 20 documents
    assert len(scheduler._batches(jobs * 3, workers=2)) == 3  # but none over MAX_BATCH: memory stays flat


def test_the_command_starts_without_the_heavy_libraries() -> None:
    """What a build with nothing to do runs before it finds so: none of the libraries that make documents."""
    heavy = ("jsonschema", "PIL", "pypdf", "docxtpl", "pyhanko", "lxml")
    probe = f"import sys, paraphe.cli.main; print([m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_build_prepares_the_libraries_and_the_check_context_of_the_kinds_it_builds() -> None:
    """The context shape a template is checked against is made from its kind's specimen (a tenth of a
    second for the SDSF's): only for the kinds that at least two manifests to build have. In a fresh
    interpreter: a template checked before is not checked again."""
    ctg = LOZERE.with_name("ctg-plan-actions-2020.yaml")
    probe = (
        "import sys; from pathlib import Path; from paraphe.warmup import prepare_workers; "
        "from paraphe.render.reference import context_shape; "
        "prepare_workers(); libraries = all(m in sys.modules for m in ('pypdf', 'docxtpl', 'pikepdf')); "
        "shapes = context_shape.cache_info().currsize; "
        f"prepare_workers([Path({str(ctg)!r})] * 2); "
        "print(libraries, shapes, context_shape.cache_info().currsize)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "0", "1"]


@pytest.mark.parametrize(
    ("manifest", "charts"), [(LOZERE.with_name("ctg-plan-actions-2020.yaml"), False), (LOZERE, True)]
)
def test_charts_are_prepared_only_for_a_build_with_an_identity_sheet(manifest: Path, charts: bool) -> None:
    """A CTG draws no chart: its build does not read the charts' font; an SDSF's identity sheet has
    charts, so its build reads it once, before the workers fork. Both get their template filled once;
    what one manifest alone needs is left to its worker."""
    probe = (
        "import sys; from pathlib import Path; from paraphe.warmup import prepare_workers; "
        "from paraphe.render import charts, docx; from paraphe.render.template_check import _TEMPLATE_FINDINGS; "
        f"prepare_workers([Path({str(manifest)!r})] * 2); "
        "print(bool(charts._font.cache_info().currsize), bool(docx._ENVIRONMENT._compiled), bool(_TEMPLATE_FINDINGS))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [str(charts), "True", "True"]
    alone = subprocess.run(
        [sys.executable, "-c", probe.replace("] * 2)", "])")], capture_output=True, text=True, check=True
    )
    assert alone.stdout.split() == ["False", "False", "False"]


def test_more_batches_than_workers_are_all_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scheduler, "MAX_BATCH", 2)
    calls = tmp_path / "calls"
    schedule = Schedule(
        out=tmp_path / "build", make=functools.partial(_make, calls), finish=lambda p: p, identity="test", jobs=2
    )
    summary = scheduler.run(_jobs(tmp_path, 6), schedule)
    assert summary.built == 6 and not summary.failures
    assert len(calls.read_text(encoding="utf-8").splitlines()) == 3  # three batches, each in a worker of its own
