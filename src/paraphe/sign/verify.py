"""Verification: is this the document that was built, and does every signature still hold?

Reads a PDF with pyHanko and reports, as frozen dataclasses, for every signature:
who signed and when, whether the signed bytes are intact, whether the certificate
chain leads to a trusted root (when roots are given), whether the certificate is
the named signatory's, and what changed after it (pyHanko's difference analysis).
Beside the signatures: the build record (fingerprint, content unchanged since the
build, optionally the manifest it came from) and the signatories still pending.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from paraphe.diagnostics import Diagnostic, Location
from paraphe.errors import ParapheError, SigningError
from paraphe.fsutil import read_regular_file
from paraphe.manifest.model import Convention
from paraphe.paths import display_path
from paraphe.provenance import (
    RECORD_KEY,
    BuildRecord,
    SignatoryRecord,
    annex_digests,
    content_digest,
    parse_record,
    read_record,
)
from paraphe.resources import template_path
from paraphe.sign.credentials import same_person
from paraphe.sign.report import ManifestCheck, SignatureReport, Trust, VerificationReport

log = logging.getLogger(__name__)

# Filling in and signing the fields the build made is what a signature allows after it.
ALLOWED_AFTER_SIGNING = ModificationLevel.FORM_FILLING
MODIFICATION_WORDS = {
    ModificationLevel.NONE: "nothing",
    ModificationLevel.LTA_UPDATES: "validation data only",
    ModificationLevel.FORM_FILLING: "later signatures only",
    ModificationLevel.ANNOTATIONS: "annotations added",
    ModificationLevel.OTHER: "content changed",
}


def load_trust_roots(paths: Sequence[Path]) -> list[object]:
    roots = []
    for path in paths:
        try:
            roots.append(load_cert_from_pemder(str(path)))
        except (OSError, ValueError) as exc:
            raise SigningError.at(
                Location(str(path)), f"cannot read trusted certificate: {exc}", "verify.trust"
            ) from None
    return roots


def verify_pdf(
    pdf: Path,
    *,
    trust: Sequence[Path] = (),
    convention: Convention | None = None,
) -> VerificationReport:
    """Verify the PDF at `pdf`; with a `convention`, also that it was built from its manifest."""
    shown = display_path(pdf)
    try:
        data = read_regular_file(pdf)
    except OSError as exc:
        raise SigningError.at(Location(shown), f"cannot read: {exc.strerror}", "verify.io") from None
    report = verify_bytes(data, shown, trust_roots=load_trust_roots(trust))
    if convention is not None:
        report = replace(report, manifest=check_manifest(report.record, convention, Location(report.path)))
    return report


def verify_bytes(data: bytes, name: str, *, trust_roots: Sequence[object] = ()) -> VerificationReport:
    """The verification report of a PDF held in memory; `name` is used in messages."""
    where = Location(name)
    try:
        plain = PdfReader(io.BytesIO(data), strict=False)
        latest_record = read_record(plain)
        content = content_digest(plain)
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        record = _build_revision_record(reader)
        fields = {field_name: value for field_name, value, _ in enumerate_sig_fields(reader)}
        embedded = sorted(reader.embedded_signatures, key=lambda s: s.signed_revision)
        revisions = reader.xrefs.total_revisions
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise SigningError.at(where, f"not a readable PDF ({exc})", "verify.unreadable") from None
    except ParapheError:
        raise
    except Exception as exc:  # pyHanko's own PdfReadError and friends have no common root with pypdf's.
        raise SigningError.at(where, f"not a readable PDF ({exc})", "verify.unreadable") from None

    problems: list[Diagnostic] = []

    def problem(message: str, rule: str) -> None:
        problems.append(Diagnostic(where, message, rule))

    content_unchanged: bool | None = None
    if record is not None and latest_record != record:
        # Signatures protect the revisions they cover; the information dictionary of a later
        # one is not checked by the difference analysis, so the build's own revision is trusted.
        problem(
            "the build record was changed after the build (signatories, digests or fingerprint)",
            "verify.record-changed",
        )
    if record is None:
        problem(
            "no paraphe build record: this PDF was not built by paraphe, or its record was removed", "verify.no-record"
        )
    else:
        content_unchanged = record.content == content
        if not content_unchanged:
            problem(
                "the pages differ from the document as built (content, image or annotation changed)",
                "verify.pages-changed",
            )

    # Without roots given, the chain is reported as not checked; never the operating system's list.
    context = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False)
    signatures = tuple(
        _check_signature(
            sig, record, context, where, check_trust=bool(trust_roots), certification=index == 0 and _certifies(sig)
        )
        for index, sig in enumerate(embedded)
    )
    signed = {s.field for s in signatures}
    # Every revision after the build's must be a signature: anything else (an object, an action,
    # a field, an appearance) changed the document, whatever the pages look like.
    unsigned = sorted(set(range(1, revisions)) - {sig.signed_revision for sig in embedded})
    if unsigned:
        problem(
            f"{len(unsigned)} update(s) appended after the build are not signatures "
            f"(revision {', '.join(str(r + 1) for r in unsigned)} of {revisions}): the document was changed",
            "verify.unsigned-update",
        )
    if record is not None:
        expected = {s.id for s in record.signatories} | {s.field for s in signatures if s.certification}
        for extra in sorted(set(fields) - expected):
            problem(f"signature field {extra} was not made by the build", "verify.unknown-field")
    for field_name in fields:
        if field_name not in signed and fields[field_name] is not None:
            problem(f"field {field_name} holds a signature that cannot be read", "verify.unreadable-signature")
    pending: tuple[SignatoryRecord, ...] = ()
    if record is not None and record.final:
        pending = tuple(s for s in record.signatories if s.id not in signed)
        missing = [s.id for s in pending if s.id not in fields]
        if missing:
            problem(f"signature field(s) missing: {', '.join(missing)}", "verify.missing-field")
    return VerificationReport(
        name, record, content_unchanged, signatures, pending, None, tuple(problems), chains_checked=bool(trust_roots)
    )


def _build_revision_record(reader: PdfFileReader) -> BuildRecord | None:
    """The record as the build wrote it: in the file's first revision, which every signature covers."""
    resolver = reader.get_historical_resolver(0)
    info = resolver.trailer_view.raw_get("/Info") if "/Info" in resolver.trailer_view else None
    if isinstance(info, generic.IndirectObject):
        info = resolver(info.reference)
    if not isinstance(info, generic.DictionaryObject):
        return None
    return parse_record(info.get(RECORD_KEY))


def _certifies(sig: EmbeddedPdfSignature) -> bool:
    """A certification signature: DocMDP permissions in its /Reference (its field's name proves nothing)."""
    try:
        return sig.docmdp_level is not None
    except Exception:  # a malformed /Reference is not a certification
        return False


def _check_signature(
    sig: EmbeddedPdfSignature,
    record: BuildRecord | None,
    context: ValidationContext,
    where: Location,
    *,
    check_trust: bool,
    certification: bool,
) -> SignatureReport:
    field_name = sig.field_name
    signatory = None if certification or record is None else record.signatory(field_name)
    problems: list[Diagnostic] = []

    def problem(message: str, rule: str) -> None:
        # The field names the signature: one PDF holds several.
        problems.append(Diagnostic(where, f"{field_name}: {message}", rule))

    try:
        status: PdfSignatureStatus = validate_pdf_signature(sig, context)
    except Exception as exc:  # a malformed signature must be reported, not crash the report
        log.debug("validation of %s failed", field_name, exc_info=True)
        problem(f"signature cannot be validated ({exc})", "verify.malformed-signature")
        return SignatureReport(
            field_name, signatory, certification, "?", None, False, "not checked", None, "unknown", tuple(problems)
        )
    holder = _holder(status)
    intact = bool(status.intact and status.valid)
    if not status.intact:
        problem("the signed bytes were modified: the signature no longer matches the document", "verify.not-intact")
    elif not status.valid:
        problem("the signature value does not match its certificate", "verify.bad-value")
    trust: Trust = "not checked"
    if check_trust:
        trust = "trusted" if status.trusted else "untrusted"
        if not status.trusted:
            problem(f"certificate of {holder} does not lead to a trusted root", "verify.untrusted")
    holder_is_signatory: bool | None = None
    if signatory is not None:
        holder_is_signatory = same_person(signatory.name, holder)
        if not holder_is_signatory:
            problem(f"signed with the certificate of {holder}, not that of {signatory.name}", "verify.wrong-signer")
    elif not certification:
        problem("signature in a field that is not one of the document's signatories", "verify.not-a-signatory")
    level = status.modification_level
    changes = MODIFICATION_WORDS.get(level, "unknown") if level is not None else "unknown"
    if level is None or level > ALLOWED_AFTER_SIGNING or status.docmdp_ok is False:
        problem(f"changed after this signature beyond filling in signatures: {changes}", "verify.changed-after")
    return SignatureReport(
        field_name,
        signatory,
        certification,
        holder,
        status.signer_reported_dt,
        intact,
        trust,
        holder_is_signatory,
        changes,
        tuple(problems),
    )


def _holder(status: PdfSignatureStatus) -> str:
    subject = status.signing_cert.subject
    return str(subject.native.get("common_name") or subject.human_friendly)


def check_manifest(record: BuildRecord | None, convention: Convention, where: Location) -> ManifestCheck:
    """Whether the PDF at `where` was built from `convention` (its manifest, annexes and template)."""
    shown = str(convention.source)
    if record is None:
        # The missing record is itself reported (verify.no-record): nothing more to say here.
        return ManifestCheck(shown, False, ())
    problems: list[Diagnostic] = []
    notes: list[str] = []
    if convention.source_digest != record.manifest:
        message = f"not built from {shown}: the manifest differs from the one recorded in the PDF"
        problems.append(Diagnostic(where, message, "verify.manifest-mismatch"))
    if annex_digests(convention) != record.annexes:
        message = f"annex files of {shown} differ from those the PDF was built with"
        problems.append(Diagnostic(where, message, "verify.annex-mismatch"))
    template = template_path(convention.kind)
    if template.is_file() and hashlib.sha256(template.read_bytes()).hexdigest() != record.template:
        notes.append(f"built with another version of {template.name} than the current one")
    return ManifestCheck(shown, not problems, tuple(problems), tuple(notes))
