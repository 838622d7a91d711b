"""Building many conventions: incremental, batched, parallel.

LibreOffice's start-up dominates a conversion, so documents are converted in
batches, several per LibreOffice process, and batches run in parallel worker
processes, each doing the whole chain (load → render → convert → assemble) for
its documents. Unchanged documents are reused without being read. The main
process certifies, writes atomically and records what each output depends on.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from paraphe import incremental
from paraphe.convert import Converter, Document
from paraphe.diagnostics import Diagnostic, Location
from paraphe.errors import ConversionError, ParapheError
from paraphe.fsutil import atomic_path, exclusive_lock, sha256_file
from paraphe.manifest.convention import load_convention
from paraphe.manifest.model import Convention
from paraphe.manifest.territories import find_territories_file
from paraphe.paths import display_path

if TYPE_CHECKING:
    from paraphe.provenance import BuildRecord
    from paraphe.sign import Credentials

log = logging.getLogger(__name__)

# Several documents per LibreOffice process pay its start-up once; a few batches per
# worker keep progress visible and the load balanced.
MAX_BATCH = 6
# How long a build waits for another build of the same output before giving up on it.
LOCK_WAIT = 600.0

Event = Literal["built", "reused", "failed"]


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

    @property
    def built(self) -> int:
        return sum(not r.reused for r in self.results)

    @property
    def reused(self) -> int:
        return sum(r.reused for r in self.results)


@dataclass(frozen=True)
class BuildOptions:
    out: Path
    jobs: int = 0  # 0: one per core
    force: bool = False
    certify_with: Credentials | None = None
    certify_identity: str = "none"
    converter: Converter = Converter()
    on_event: Callable[[Event, BuildResult | ParapheError], None] | None = field(default=None, compare=False)
    strict: bool = False  # a manifest with warnings fails

    @property
    def workers(self) -> int:
        return self.jobs or os.cpu_count() or 1


@dataclass(frozen=True)
class _Prepared:
    """What a worker hands back for one document: its bytes and what it was made from."""

    manifest: Path
    stem: Path
    docx: bytes
    pdf: bytes
    pages: int
    fingerprint: str
    final: bool
    inputs: dict[str, str]
    warnings: tuple[Diagnostic, ...] = ()


def build_all(
    manifests: Sequence[Path], options: BuildOptions, output_stem: Callable[[Path, Path], Path]
) -> BuildSummary:
    """Build `manifests` into `options.out`; a failing one does not stop the others.

    Each output is locked for the whole build: a second build of it waits (then, usually,
    reuses what the first wrote) rather than interleave its writes with the first's.
    """
    started = time.monotonic()
    manifests, clashes = _without_clashes(manifests, options.out, output_stem)
    with contextlib.ExitStack() as locks:
        try:
            for stem in sorted({output_stem(m, options.out) for m in manifests}):
                lock = incremental.cache_path(options.out, stem).with_suffix(".lock")
                shown = display_path(stem.with_suffix(".pdf"))
                locks.enter_context(exclusive_lock(lock, shown, wait=LOCK_WAIT, on_wait=_waiting(shown)))
        except ParapheError as exc:
            return BuildSummary((), (exc, *clashes), time.monotonic() - started)
        summary = _build_all(manifests, options, output_stem)
        return BuildSummary(summary.results, (*summary.failures, *clashes), time.monotonic() - started)


def _without_clashes(
    manifests: Sequence[Path], out: Path, output_stem: Callable[[Path, Path], Path]
) -> tuple[list[Path], list[ParapheError]]:
    """Manifests that would be built into the same output are all refused: neither may overwrite the other."""
    by_output: dict[Path, list[Path]] = {}
    for manifest in manifests:
        by_output.setdefault(output_stem(manifest, out), []).append(manifest)
    kept, clashes = [], []
    for manifest in manifests:
        same = by_output[output_stem(manifest, out)]
        if len(same) == 1:
            kept.append(manifest)
            continue
        others = ", ".join(display_path(m) for m in same if m != manifest)
        target = display_path(output_stem(manifest, out).with_suffix(".pdf"))
        clashes.append(
            ParapheError.at(
                Location(display_path(manifest)), f"would be built into {target}, like {others}", "build.same-output"
            )
        )
    return kept, clashes


def _waiting(shown: str) -> Callable[[], None]:
    return lambda: log.warning("%s is being built by another paraphe; waiting for it to finish", shown)


def _build_all(
    manifests: Sequence[Path], options: BuildOptions, output_stem: Callable[[Path, Path], Path]
) -> BuildSummary:
    started = time.monotonic()
    results: list[BuildResult] = []
    failures: list[ParapheError] = []
    stale: list[tuple[Path, Path]] = []
    for manifest in manifests:
        stem = output_stem(manifest, options.out)
        reused = None if options.force else _reuse(manifest, stem, options)
        if reused is None:
            stale.append((manifest, stem))
        else:
            results.append(reused)
            _notify(options, "reused", reused)

    def finish(outcome: _Prepared | ParapheError) -> None:
        if isinstance(outcome, ParapheError):
            failures.append(outcome)
            _notify(options, "failed", outcome)
            return
        try:
            result = _write(outcome, options)
            results.append(result)
            _notify(options, "built", result)
        except ParapheError as exc:
            failures.append(exc)
            _notify(options, "failed", exc)

    for batch_outcomes in _run_batches(_batches(stale, options.workers), options):
        for outcome in batch_outcomes:
            finish(outcome)
    order = {m: i for i, m in enumerate(manifests)}
    results.sort(key=lambda r: order.get(r.manifest, len(order)))
    return BuildSummary(tuple(results), tuple(failures), time.monotonic() - started)


def _notify(options: BuildOptions, event: Event, subject: BuildResult | ParapheError) -> None:
    if options.on_event is not None:
        options.on_event(event, subject)


def _reuse(manifest: Path, stem: Path, options: BuildOptions) -> BuildResult | None:
    docx, pdf = stem.with_suffix(".docx"), stem.with_suffix(".pdf")
    if not incremental.is_fresh(options.out, stem, manifest, options.certify_identity, (docx, pdf)):
        return None
    meta = incremental.read_meta(options.out, stem)
    warnings = _warnings(meta.get("warnings"))
    if warnings and options.strict:
        return None  # built leniently: validated again, it fails
    pages = meta.get("pages", 0)
    return BuildResult(
        manifest, docx, pdf, pages if isinstance(pages, int) else 0, str(meta.get("fingerprint", "")),
        bool(meta.get("certified", False)), bool(meta.get("final", True)), reused=True, warnings=warnings,
    )  # fmt: skip


def _warnings(stored: object) -> tuple[Diagnostic, ...]:
    """The warnings remembered with an output (Diagnostic.as_json), shown again when it is reused."""
    if not isinstance(stored, list):
        return ()
    return tuple(
        Diagnostic(Location(str(w["file"]), int(w["line"]), int(w["col"])), str(w["message"]), str(w["rule"]))
        for w in stored
        if isinstance(w, dict)
    )


def _batches(stale: list[tuple[Path, Path]], workers: int) -> list[list[tuple[Path, Path]]]:
    if not stale:
        return []
    count = max(min(workers, len(stale)), math.ceil(len(stale) / MAX_BATCH))
    return [stale[i::count] for i in range(count)]


def _run_batches(
    batches: list[list[tuple[Path, Path]]], options: BuildOptions
) -> Iterable[list[_Prepared | ParapheError]]:
    """Each batch's outcomes as it finishes; in this process when one worker is enough."""
    workers, converter, strict = options.workers, options.converter, options.strict
    if len(batches) <= 1 or workers <= 1:
        for batch in batches:
            yield prepare_batch(batch, converter, strict)
        return
    # fork: workers start at once with everything imported (pyHanko's import alone takes a second).
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(workers, len(batches)), mp_context=context) as pool:
        pending: dict[Future[list[_Prepared | ParapheError]], list[tuple[Path, Path]]] = {
            pool.submit(prepare_batch, batch, converter, strict): batch for batch in batches
        }
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    batch = pending.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        yield [_worker_died(manifest) for manifest, _ in batch]
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _worker_died(manifest: Path) -> ParapheError:
    return ConversionError.at(
        Location(display_path(manifest)), "the build worker for this document died", "build.worker"
    )


def prepare_batch(
    batch: list[tuple[Path, Path]], converter: Converter, strict: bool = False
) -> list[_Prepared | ParapheError]:
    """In a worker: load, render, convert together (one LibreOffice), then assemble each document."""
    # Imported here: a build with nothing to do never loads the rendering and PDF libraries.
    from paraphe.assemble import assemble
    from paraphe.provenance import record_for
    from paraphe.render.docx import render_docx
    from paraphe.resources import template_path

    outcomes: list[_Prepared | ParapheError] = []
    staged = []
    for manifest, stem in batch:
        shown = display_path(manifest)
        try:
            convention = load_convention(manifest, strict=strict)
            template = template_path(convention.kind)
            # Rendered first: a missing or broken template is reported as such, before anything hashes it.
            docx = render_docx(convention, template)
            record = record_for(convention, template)
            inputs = _inputs(manifest, template, convention, record)
            staged.append((manifest, stem, shown, convention, record, docx, inputs))
        except ParapheError as exc:
            outcomes.append(exc)
    converted = converter.convert([Document(shown, docx) for _, _, shown, _, _, docx, _ in staged])
    for (manifest, stem, shown, convention, record, docx, inputs), body in zip(staged, converted, strict=True):
        if isinstance(body, ParapheError):
            outcomes.append(body)
            continue
        try:
            pdf = assemble(convention, body, shown, record)
            pages = _page_count(pdf)
            outcomes.append(
                _Prepared(
                    manifest, stem, docx, pdf, pages, record.fingerprint, convention.is_final, inputs,
                    convention.warnings,
                )
            )  # fmt: skip
        except ParapheError as exc:
            outcomes.append(exc)
    return outcomes


def _inputs(manifest: Path, template: Path, convention: Convention, record: BuildRecord) -> dict[str, str]:
    """What the output depends on, with the digests of the bytes actually read (never a second read)."""
    annexes = [a.file for a in convention.annexes if a.file is not None]
    inputs = {str(manifest.resolve()): convention.source_digest, str(template.resolve()): record.template}
    inputs.update({str(path.resolve()): digest for path, digest in zip(annexes, record.annexes, strict=True)})
    territories = find_territories_file(manifest)
    if territories is not None:
        inputs[str(territories.resolve())] = sha256_file(territories)
    return inputs


def _page_count(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _write(prepared: _Prepared, options: BuildOptions) -> BuildResult:
    """Certify if asked, write both outputs atomically, remember what they came from."""
    pdf = prepared.pdf
    certified = options.certify_with is not None and prepared.final
    if certified:
        from paraphe.sign import certify_document

        assert options.certify_with is not None
        pdf = certify_document(pdf, options.certify_with, display_path(prepared.manifest))
    docx_path, pdf_path = prepared.stem.with_suffix(".docx"), prepared.stem.with_suffix(".pdf")
    # The record goes first: a build stopped between the two writes then rebuilds, never reuses.
    incremental.forget(options.out, prepared.stem)
    with atomic_path(docx_path) as docx_tmp, atomic_path(pdf_path) as pdf_tmp:
        docx_tmp.write_bytes(prepared.docx)
        pdf_tmp.write_bytes(pdf)
    meta = {
        "pages": prepared.pages,
        "fingerprint": prepared.fingerprint,
        "certified": certified,
        "final": prepared.final,
        "warnings": [w.as_json() for w in prepared.warnings],
    }
    incremental.remember(
        options.out, prepared.stem, options.certify_identity, prepared.inputs, (docx_path, pdf_path), meta
    )
    log.info("built %s (%d pages)", pdf_path, prepared.pages)
    return BuildResult(
        prepared.manifest, docx_path, pdf_path, prepared.pages, prepared.fingerprint, certified, prepared.final,
        warnings=prepared.warnings,
    )  # fmt: skip
