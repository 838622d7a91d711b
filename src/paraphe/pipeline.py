"""The pipeline: what paraphe does to a convention, one plain function per verb and per stage.

A build reads top to bottom as its stages:

    load → validate → model      `load_convention` (the manifest stage; an avenant's, with the
                                  conventions it names and the articles their diff writes)
    render                        model → template context → filled .docx
    convert                       .docx → .pdf, several documents per LibreOffice, in a thread of the
                                  worker: each document is given as soon as it is rendered
    number_contents               a printed Sommaire: its page numbers, read from the PDF, filled, converted again
    assemble                      body + annexes → one PDF: outline, numbers, record, fields (each
                                  document as soon as LibreOffice has finished it)
    certify                       the secretariat's certification of a final document
    write                         atomically, with what the output depends on (`scheduler`)

`scheduler` runs these stages for many documents at once (reuse, locks, batches,
worker processes); `sign` and `verify` come after, on the written PDF.

The after-build verbs (sign, verify, status) live in `after_build`; this module gives them to the
command line with the others. Longer than our 350-line mark on purpose: it is the one place where a
build reads top to bottom, stage by stage; the work itself lives in the stages.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from paraphe import scheduler
from paraphe.after_build import (
    convention_status,
    load_credentials,
    load_remote_credentials,
    load_token_credentials,
    sign,
    signing_options,
    verify,
)
from paraphe.avenant import load_consolidated
from paraphe.avenant import load_document as load_convention
from paraphe.avenant import load_document_bytes as load_convention_bytes
from paraphe.convert import Converter, Document, parse_converter, release_office
from paraphe.convert.stream import Conversions
from paraphe.diagnostics import Diagnostic, Location, blocking
from paraphe.discovery import declared_id, discover, same_ids
from paraphe.errors import ManifestError, ParapheError, UsageError, internal_error
from paraphe.fsutil import atomic_write_bytes, sha256_file
from paraphe.i18n import _
from paraphe.incremental import ABSENT
from paraphe.manifest.model import Convention
from paraphe.manifest.policy import find_policy_file
from paraphe.manifest.scaffold import KINDS, Draft, new_convention
from paraphe.manifest.territories import find_territories_file
from paraphe.paths import display_path, output_stem
from paraphe.procutil import signals_deferred
from paraphe.resources import (
    SCHEMA_PATH,
    TEMPLATES_FOLDER,
    TERRITORIES_SCHEMA_PATH,
    template_candidates,
    template_path,
    templates_folder,
)
from paraphe.scheduler import BuildResult, BuildSummary, Event, Job, Product
from paraphe.warmup import prepare_workers

if TYPE_CHECKING:  # pyHanko takes most of a second to import: only sign, verify and certify pay for it.
    from paraphe.assemble import AnnexRead
    from paraphe.provenance import BuildRecord
    from paraphe.render.template_check import TemplateReport as TemplateReport
    from paraphe.sign import Credentials as Credentials
    from paraphe.sign import SigningOptions as SigningOptions
    from paraphe.sign import SignResult as SignResult
    from paraphe.sign import VerificationReport as VerificationReport
    from paraphe.status import ConventionStatus as ConventionStatus

log = logging.getLogger(__name__)

# What the CLI uses: it imports this module, never the stages behind it.
__all__ = [
    "DEFAULT_OUT",
    "DEFAULT_SOURCE",
    "Draft",
    "KINDS",
    "SCHEMAS",
    "BuildResult",
    "BuildSummary",
    "ValidationReport",
    "Event",
    "TemplateReport",
    "build",
    "check_templates",
    "convention_status",
    "new_convention",
    "schema_text",
    "discover",
    "load_convention",
    "load_convention_bytes",
    "load_credentials",
    "load_remote_credentials",
    "load_token_credentials",
    "parse_converter",
    "sign",
    "signing_options",
    "validate_paths",
    "verify",
    "write_output",
]

DEFAULT_SOURCE = Path("conventions")
DEFAULT_OUT = Path("build")
CONSOLIDATED_SUFFIX = "-consolidee"  # avenant-1.yaml's consolidated copy: avenant-1-consolidee.pdf


# --- Finding and validating manifests ---------------------------------------------------------


@dataclass(frozen=True)
class ValidationReport:
    path: Path
    diagnostics: tuple[Diagnostic, ...]
    strict: bool = False  # warnings count as errors

    @property
    def ok(self) -> bool:
        return not blocking(self.diagnostics, strict=self.strict)


def validate_paths(paths: Sequence[Path], *, strict: bool = False) -> list[ValidationReport]:
    reports = []
    declared: list[tuple[Path, str, Location]] = []
    versions: set[Path] = set()  # manifests an avenant names as versions of one convention: one id is right
    for path in discover(paths):
        try:
            convention = load_convention(path)
            log.info(
                "%s: a %s %s, %d action(s), %d signatory(ies): valid",
                display_path(path), convention.status, convention.kind, len(convention.all_actions()),
                len(convention.signatories),
            )  # fmt: skip
            reports.append(ValidationReport(path, convention.warnings, strict))
            declared.append((path, convention.id, convention.id_location or Location(display_path(path))))
            if convention.amendment is not None:
                versions.update(p for p, _ in convention.amendment.reads if p.suffix in (".yaml", ".yml"))
        except ManifestError as exc:
            reports.append(ValidationReport(path, exc.diagnostics, strict))
    named = {d[1]: d for d in reversed(declared) if d[0].resolve() in versions}  # the first of each id
    declared = [d for d in declared if d[0].resolve() not in versions or named[d[1]] is d]
    clashes = same_ids(declared)
    return [replace(r, diagnostics=(clashes[r.path], *r.diagnostics)) if r.path in clashes else r for r in reports]


def schema_text(name: str = "convention") -> str:
    """The JSON Schema of a manifest (`convention`) or of a territories.yaml (`territories`), as shipped."""
    return SCHEMAS[name].read_text(encoding="utf-8")


SCHEMAS = {"convention": SCHEMA_PATH, "territories": TERRITORIES_SCHEMA_PATH}


# --- Building ------------------------------------------------------------------------------------


def build(
    manifests: Sequence[Path],
    out: Path = DEFAULT_OUT,
    certify_with: Credentials | None = None,
    *,
    jobs: int = 0,
    force: bool = False,
    converter: Converter | None = None,
    on_event: Callable[[Event, BuildResult | ParapheError], None] | None = None,
    strict: bool = False,
    consolidated: bool = False,
    certify_options: SigningOptions | None = None,
) -> BuildSummary:
    """Build the manifests (as `discover` finds them) into `out`, reusing what has not changed.

    A failing manifest does not stop the others. A `final` convention is certified when
    `certify_with` holds the secretariat's key, at the PAdES level `certify_options` asks
    (`signing_options`; a plain B-B signature without). `jobs` worker processes run at once (0: one per
    core), each converting its documents in batches with one LibreOffice, or on the
    `converter`'s unoserver pool. With `strict`, a manifest with warnings fails as one with
    errors does. With `consolidated`, each manifest is an avenant, and what is built is the
    convention as it leaves it: a reading copy, `<avenant>-consolidee.pdf`, no signature field.
    """
    converter = converter or Converter()
    identity = "none" if certify_with is None else hashlib.sha256(certify_with.certificate.dump()).hexdigest()
    how = "" if certify_with is None or certify_options is None else f";{certify_options.identity}"
    schedule = scheduler.Schedule(
        out=out,
        # Who certifies is written in the record before the certification: cutting it off shows.
        make=functools.partial(
            make_documents,
            converter=converter,
            strict=strict,
            certifier="" if certify_with is None else identity,
            consolidated=consolidated,
        ),
        finish=functools.partial(certify, credentials=certify_with, options=certify_options),
        # Outputs depend on who certifies, which LibreOffice converts, which templates fill: all key the reuse.
        identity=f"certify={identity}{how};converter={converter};pdfa={converter.pdfa};templates={templates_folder().resolve()}",
        jobs=jobs,
        force=force,
        strict=strict,
        on_event=on_event,
        prepare=functools.partial(prepare_workers, manifests),
        start_ahead=converter.started_ahead,
    )
    suffix = CONSOLIDATED_SUFFIX if consolidated else ""
    work = [Job(m, output_stem(m, out).with_name(output_stem(m, out).name + suffix)) for m in manifests]
    # Manifests built into one output are refused for that (build.same-output), not for their ids too.
    outputs = Counter(job.stem for job in work)
    clashes = same_ids(d for d in (declared_id(job.manifest) for job in work if outputs[job.stem] == 1) if d)
    if strict:  # the warning is an error: neither manifest is built
        summary = scheduler.run([job for job in work if job.manifest not in clashes], schedule)
        refused = tuple(ParapheError([clashes[job.manifest]]) for job in work if job.manifest in clashes)
        return replace(summary, failures=(*summary.failures, *refused))
    summary = scheduler.run(work, schedule)
    return replace(summary, warnings=tuple(clashes[job.manifest] for job in work if job.manifest in clashes))


def make_documents(
    jobs: Sequence[Job], *, converter: Converter, strict: bool, certifier: str = "", consolidated: bool = False
) -> Iterator[tuple[Job, Product | ParapheError]]:
    """A batch of jobs through the stages, in a worker; certification and writing follow in `scheduler`.

    Each job's outcome is given as soon as it is known (a refusal at once, a document once
    assembled), so that it is written and shown while the others are made.
    `certifier`: the SHA-256 of the certificate that will certify final documents ("" for none).
    """
    served = False
    try:
        yield from _made(jobs, converter=converter, strict=strict, certifier=certifier, consolidated=consolidated)
        served = True
    finally:
        release_office(served=served)  # the LibreOffice that served this batch's conversions


def _made(
    jobs: Sequence[Job], *, converter: Converter, strict: bool, certifier: str, consolidated: bool
) -> Iterator[tuple[Job, Product | ParapheError]]:
    documents: dict[int, Rendered] = {}
    with Conversions[int](converter) as conversions:  # LibreOffice starts on the first while the next render
        for index, job in enumerate(jobs):
            failed: list[Product | ParapheError] = []
            with _failures_of(job.manifest, failed):
                load = load_consolidated if consolidated else load_convention
                convention = load(job.manifest, strict=strict)  # load → validate → model
                documents[index] = render(job, convention, certifier)
                conversions.give(index, convert(documents[index]))
            yield from ((job, failure) for failure in failed)
        given = dict.fromkeys(documents, 1)  # how often each was given to convert
        done: set[int] = set()
        try:
            # Assembled while LibreOffice converts the next ones, each as soon as its PDF is finished.
            for index, converted in conversions.finished():
                document, body = number_contents(documents[index], converted, given[index])
                if document is not documents[index]:  # its Sommaire filled: converted again
                    documents[index] = document
                    given[index] += 1
                    conversions.give(index, convert(document))
                    continue
                done.add(index)
                yield document.job, _assembled(document, body)
        except Exception as exc:  # noqa: BLE001 - a bug fails the batch's documents, not the build
            for index, document in documents.items():
                if index not in done:
                    yield document.job, internal_error(Location(display_path(document.job.manifest)), exc)


def _assembled(document: Rendered, body: bytes | ParapheError) -> Product | ParapheError:
    outcome: list[Product | ParapheError] = []
    with _failures_of(document.job.manifest, outcome):
        if isinstance(body, ParapheError):
            raise body
        outcome.append(assemble(document, body))
    return outcome[0]


@contextlib.contextmanager
def _failures_of(manifest: Path, outcomes: list[Product | ParapheError]) -> Iterator[None]:
    """A document's failure joins `outcomes`; the other documents of the batch go on.

    An exception paraphe did not mean (a bug, an input no rule foresaw) fails this document
    with a located error, as a refusal would, rather than ending the whole build in a traceback.
    """
    try:
        yield
    except ParapheError as exc:
        outcomes.append(exc)
    except Exception as exc:  # noqa: BLE001
        log.debug("unexpected failure building %s", manifest, exc_info=exc)
        outcomes.append(internal_error(Location(display_path(manifest)), exc))


@dataclass(frozen=True)
class Rendered:
    """A job after render: the .docx to convert, and the model and record it came from."""

    job: Job
    convention: Convention
    record: BuildRecord
    docx: bytes
    inputs: dict[str, str]
    annexes: Mapping[Path, AnnexRead]  # read once: what the record's digests are of is what is inserted
    template: Path
    template_content: bytes | None  # read once: the bytes checked and hashed are the bytes filled again
    contents_pages: tuple[str, ...] | None = None  # the Sommaire's page numbers once known


def render(job: Job, convention: Convention, certifier: str = "") -> Rendered:
    """The model into its kind's Word template, with the build record of what was read and who certifies."""
    # Imported here: a build with nothing to do never loads the rendering and PDF libraries.
    with signals_deferred():  # Ctrl-C inside a native library's loading would abort, not clean up
        from paraphe.assemble import read_annexes
        from paraphe.provenance import record_for
        from paraphe.render.docx import render_docx
        from paraphe.render.template_check import require_sound_template

    template = template_path(convention.kind, job.manifest)
    log.info(
        "%s: valid %s %s, filled into %s", display_path(job.manifest), convention.status, convention.kind, template
    )
    # Read once: the bytes checked are the bytes filled and the bytes whose digest is recorded.
    content = _template_bytes(template)
    # Checked, then rendered first: a missing or broken template is reported as such, before anything hashes it.
    require_sound_template(template, convention.kind, content)
    docx = render_docx(convention, template, content)
    annexes = read_annexes(convention)
    read = [annexes[a.file][0] for a in convention.annexes if a.file is not None]
    digest = None if content is None else hashlib.sha256(content).hexdigest()
    record = record_for(convention, template, certifier, read, template_digest=digest)
    inputs = depends_on(job.manifest, template, convention, record)
    return Rendered(job, convention, record, docx, inputs, annexes, template, content)


def _template_bytes(template: Path) -> bytes | None:
    """The template's bytes; None when it cannot be read (the renderer then says why, as before)."""
    try:
        return template.read_bytes() if template.is_file() else None
    except OSError:
        return None


def check_templates(paths: Sequence[Path]) -> list[TemplateReport]:
    """`templates check`: each Word template named (files, or folders searched recursively) against the
    context of the kind its name gives (`ctg.docx` → ctg); none named: paraphe's own templates (or
    `$PARAPHE_TEMPLATES`'), then every `templates/` folder under `conventions/`."""
    from paraphe.render.template_check import TemplateReport, check_template

    if not paths:
        paths = [templates_folder(), *sorted(p for p in DEFAULT_SOURCE.rglob(TEMPLATES_FOLDER) if p.is_dir())]
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.docx") if p.is_file() and not p.name.startswith("~$")))
        elif path.exists():
            found.append(path)
        else:
            raise UsageError.at(Location(str(path)), _("no such file or folder"), "io.missing")
    templates = list(dict.fromkeys(found))
    return [TemplateReport(t, t.stem, tuple(check_template(t, t.stem, display_path(t)))) for t in templates]


def convert(document: Rendered) -> Document:
    """What LibreOffice is given for a rendered document: its .docx, named by its manifest in errors."""
    return Document(display_path(document.job.manifest), document.docx)


# A Sommaire's numbers are as wide as their placeholders: the second conversion settles them. A
# number that grows a digit may move a line; the pages are then read again, at most this often.
CONTENTS_ROUNDS = 3


def number_contents(
    document: Rendered, body: bytes | ParapheError, conversions: int
) -> tuple[Rendered, bytes | ParapheError]:
    """For a document with a printed Sommaire, converted `conversions` times so far: the document filled
    again with the pages where its headings were printed, to convert again, until the numbers printed
    are the pages read back; otherwise (and for the others) the document and its body as they are.

    The pages are read from the converted PDF (its headings' bookmarks), numbered as `assemble` will
    number them (the cover and the inserted annex files counted): LibreOffice does not refresh a
    Word table of contents, so the Sommaire is text, and its numbers are filled as text.
    """
    try:
        refilled = _refill_contents(document, body)
    except ParapheError as exc:  # `assemble` would refuse it for the same reason: it says so now
        return document, exc
    if refilled is None:
        return document, body
    if conversions > CONTENTS_ROUNDS:  # never seen: a line that moves each time its number changes
        log.warning("%s: the Sommaire's page numbers did not settle", display_path(document.job.manifest))
        return document, body
    return refilled, body


def _refill_contents(document: Rendered, body: bytes | ParapheError) -> Rendered | None:
    """The document filled with the Sommaire's pages read from `body`; None when it has none, or when
    the numbers it printed are those pages."""
    from paraphe.assemble import contents_pages
    from paraphe.render.context import contents_headings
    from paraphe.render.docx import render_docx

    listed = contents_headings(document.convention)
    if not listed or isinstance(body, ParapheError):
        return None
    name = display_path(document.job.manifest)
    pages = contents_pages(document.convention, body, name, document.annexes, listed)
    if pages == document.contents_pages:
        return None
    log.info("%s: the Sommaire's page numbers filled in, to convert again", name)
    docx = render_docx(document.convention, document.template, document.template_content, pages)
    return replace(document, docx=docx, contents_pages=pages)


def assemble(document: Rendered, body: bytes) -> Product:
    """Body + annexes → one PDF: outline, page numbers, build record, signature fields."""
    from paraphe.assemble import assemble as assemble_pdf

    convention, record = document.convention, document.record
    made = assemble_pdf(convention, body, display_path(document.job.manifest), document.record, document.annexes)
    annexes = sum(a.file is not None for a in convention.annexes)
    log.info(
        "%s: assembled %d pages with %d annex file(s), fingerprint %s",
        display_path(document.job.manifest), made.pages, annexes, record.fingerprint,
    )  # fmt: skip
    return Product(
        document.job, document.docx, made.pdf, made.pages, record.fingerprint, record.final, document.inputs,
        warnings=(*convention.warnings, *made.warnings),
    )  # fmt: skip


def certify(product: Product, *, credentials: Credentials | None, options: SigningOptions | None = None) -> Product:
    """A final document certified with the secretariat's key, when one is given (in the main process)."""
    if credentials is None or not product.final:
        return product
    from paraphe.sign import SigningOptions, certify_document

    log.info("%s: certified with the secretariat's key", display_path(product.job.manifest))
    pdf = certify_document(product.pdf, credentials, display_path(product.job.manifest), options or SigningOptions())
    return replace(product, pdf=pdf, certified=True)


def depends_on(manifest: Path, template: Path, convention: Convention, record: BuildRecord) -> dict[str, str]:
    """What the output depends on, by digest: of the bytes the build read (manifest, template, annexes), of
    the territories list and policy, which validation read, and the absence of any nearer template."""
    annexes = [a.file for a in convention.annexes if a.file is not None]
    filled = template.resolve()
    inputs = {str(manifest.resolve()): convention.source_digest, str(filled): record.template}
    inputs.update({str(path.resolve()): digest for path, digest in zip(annexes, record.annexes, strict=True)})
    if convention.amendment is not None:  # an avenant: the conventions it names, the signed original
        inputs.update({str(path): digest for path, digest in convention.amendment.reads})
    inputs.update({str(path): digest for path, digest in convention.reads})  # last: a consolidated copy's avenant
    # A département's template that appears later must rebuild what the next one in the lookup filled.
    for candidate in template_candidates(convention.kind, manifest):
        if candidate.resolve() == filled:
            break
        inputs[str(candidate)] = ABSENT
    for shared in (find_territories_file(manifest), find_policy_file(manifest)):
        if shared is not None:
            inputs[str(shared.resolve())] = sha256_file(shared)
    return inputs


def write_output(path: Path, data: bytes) -> None:
    """Write a file the user named (a diff report, a redline) atomically; an OutputError (io.write) when it cannot."""
    atomic_write_bytes(path, data)
