"""Verification: is this the document that was built, and does every signature still hold?

Reads a PDF with pyHanko and reports, as frozen dataclasses, for every signature:
who signed and when (as the signer claims it), whether the signed bytes are intact,
whether the certificate is usable (dates, key usage) and leads to a trusted root (when
roots are given), whether it is the named signatory's, and what changed after it
(pyHanko's difference analysis). Beside the signatures: the build record (fingerprint,
content unchanged since the build, optionally the manifest it came from) and the
signatories still pending.

This module holds the entry points and reads as the order of the checks: refuse what cannot
be verified at all, parse once, then the document's own checks (revisions.py: revision 0, the
build's, is the reference every later revision is held to), each signature (signature_check.py),
and the signature fields against the record. What verification is given beyond the PDF (trusted
roots, revocation lists, the time) is loaded here, as is the check against a manifest.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import x509
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from paraphe.diagnostics import Diagnostic, Location
from paraphe.errors import ParapheError, SigningError
from paraphe.fsutil import read_regular_file, sha256_file
from paraphe.i18n import _
from paraphe.manifest.model import Convention
from paraphe.paths import display_path
from paraphe.provenance import (
    CONTENT_DIGEST_VERSION,
    BuildRecord,
    SignatoryRecord,
    annex_digests,
    content_digest,
    read_record,
)
from paraphe.render.typography import fr_date
from paraphe.resources import template_path
from paraphe.sign.report import ManifestCheck, OriginalCheck, VerificationReport
from paraphe.sign.revisions import (
    build_revision_record,
    certification_problems,
    certifies,
    changed_information,
    end_of_file,
    is_document_timestamp,
    refuse_too_many_revisions,
    refuse_unfinished_update,
    review_revisions,
    revision_budget,
    unsigned_updates,
)
from paraphe.sign.signature_check import check_signature, check_timestamp
from paraphe.sign.signature_report import SIGNING_ZONE, SignatureReport


def load_trust_roots(paths: Sequence[Path]) -> list[x509.Certificate]:
    roots = []
    for path in paths:
        try:
            roots.append(load_cert_from_pemder(str(path)))
        except (OSError, ValueError) as exc:
            raise SigningError.at(
                Location(str(path)), _("cannot read trusted certificate: {exc}", exc=exc), "verify.trust"
            ) from None
    return roots


def load_crls(paths: Sequence[Path]) -> list[asn1_crl.CertificateList]:
    """Certificate revocation lists (DER or PEM) given with --crl."""
    from asn1crypto import pem

    lists = []
    for path in paths:
        try:
            data = path.read_bytes()
            if pem.detect(data):
                _, _, data = pem.unarmor(data)
            found = asn1_crl.CertificateList.load(data)
            _ = found.native  # parse it all now: a damaged list is this file's error, not a signature's
        except (OSError, ValueError, TypeError) as exc:
            raise SigningError.at(
                Location(str(path)), _("cannot read revocation list: {exc}", exc=exc), "verify.crl"
            ) from None
        lists.append(found)
    return lists


@dataclass(frozen=True)
class Checks:
    """What a verification is given beyond the PDF: trusted roots, revocation lists, the time it is done."""

    trust_roots: Sequence[x509.Certificate] = ()
    crls: Sequence[asn1_crl.CertificateList] = ()
    moment: dt.datetime | None = None  # now, unless `verify --at` (or a test) says otherwise

    def at(self) -> dt.datetime:
        return self.moment or dt.datetime.now(dt.UTC)


def verify_pdf(
    pdf: Path,
    *,
    trust: Sequence[Path] = (),
    crls: Sequence[Path] = (),
    convention: Convention | None = None,
    original: Path | None = None,
    at: dt.datetime | None = None,
) -> VerificationReport:
    """Verify the PDF at `pdf`; with a `convention`, also that it was built from its manifest; with
    `original`, for an avenant, that this signed PDF is the convention it amends, fully signed; `at`:
    as on that date (the certificates' validity, the long-term validation data)."""
    shown = display_path(pdf)
    if crls and not trust:
        raise SigningError.at(
            Location(str(crls[0])),
            _("revocation is checked along a chain to a trusted root: give --trust with --crl"),
            "verify.crl",
        )
    checks = Checks(load_trust_roots(trust), load_crls(crls), at)
    report = _verify_file(pdf, shown, checks)
    if convention is not None:
        report = replace(report, manifest=check_manifest(report.record, convention, Location(report.path)))
    if original is not None:
        report = replace(report, original=check_original(report, original, checks))
    return report


def _verify_file(pdf: Path, shown: str, checks: Checks) -> VerificationReport:
    """The PDF at `pdf` read as a regular file (verify.io when it cannot be) and verified."""
    try:
        data = read_regular_file(pdf)
    except OSError as exc:
        raise SigningError.at(
            Location(shown), _("cannot read: {strerror}", strerror=exc.strerror), "verify.io"
        ) from None
    return verify_bytes(data, shown, checks)


def check_original(avenant: VerificationReport, original: Path, checks: Checks) -> OriginalCheck:
    """Whether `original` is the signed convention the avenant's record cites, and is fully signed and valid.

    The avenant's record (under its signatures) names the convention amended: its id, the digest
    of the manifest it was signed from and, when the avenant was built against the signed PDF, the
    fingerprint of that build. A convention signed from another manifest, another convention, or
    a copy whose signatures do not all hold is refused.
    """
    shown = display_path(original)
    where = Location(avenant.path)
    amends = avenant.record.amends if avenant.record is not None else None
    if amends is None:
        message = _(
            "--original {shown}: {path} is not an avenant (its build record amends no convention)",
            shown=shown,
            path=avenant.path,
        )
        return OriginalCheck(shown, None, False, False, (Diagnostic(where, message, "verify.not-avenant"),))
    report = _verify_file(original, shown, checks)
    record = report.record
    problems = []
    matches = (
        record is not None
        and record.convention == amends.convention
        and record.manifest == amends.manifest
        and (not amends.fingerprint or record.fingerprint == amends.fingerprint)
    )
    if not matches:
        cited = _(
            "the avenant amends « {title} » ({convention!r}) as signed",
            title=amends.title,
            convention=amends.convention,
        )
        if record is None:
            found = f"{shown} holds no paraphe build record"
        elif record.convention != amends.convention:
            found = f"{shown} is {record.convention!r}"
        else:
            found = f"{shown} was built from another version of it"
        message = _(
            "{shown} is not the convention this avenant amends: {cited}; {found}", shown=shown, cited=cited, found=found
        )
        problems.append(Diagnostic(where, message, "verify.amends"))
    complete = report.ok(complete=True)
    if matches and not complete:
        reasons = "; ".join(d.message for d in report.diagnostics(complete=True)[:3])
        message = _(
            "the convention amended, {shown}, is not fully signed and valid: {reasons}", shown=shown, reasons=reasons
        )
        problems.append(Diagnostic(where, message, "verify.original"))
    return OriginalCheck(shown, record.fingerprint if record else None, matches, complete, tuple(problems))


def verify_bytes(data: bytes, name: str, checks: Checks | None = None) -> VerificationReport:
    """The verification report of a PDF held in memory; `name` is used in messages."""
    checks = checks or Checks()
    where = Location(name)
    refuse_too_many_revisions(data.count(b"%%EOF"), where)
    refuse_unfinished_update(data, where)
    parsed = _parse(data, where)
    problems = [Diagnostic(where, m, rule) for m, rule in end_of_file(data, parsed.reader, parsed.embedded)]
    content_unchanged, found = _record_problems(parsed, where)
    problems += found
    signatures = _check_signatures(parsed, checks, where)
    timestamps = tuple(
        check_timestamp(sig, _context(checks), where, chains_checked=bool(checks.trust_roots))
        for sig in parsed.embedded
        if is_document_timestamp(sig)
    )
    problems += _revision_problems(parsed, signatures, where)
    problems += _field_problems(parsed, signatures, where)
    pending, found = _pending(parsed, signatures, where)
    problems += found
    problems += _stated_date(parsed.record, signatures, where)
    return VerificationReport(
        name,
        parsed.record,
        content_unchanged,
        tuple(signatures),
        pending,
        None,
        tuple(problems),
        chains_checked=bool(checks.trust_roots),
        revocation_checked=bool(checks.crls),
        timestamps=timestamps,
    )


@dataclass(frozen=True)
class _Parsed:
    """What is read from the PDF once, before any check."""

    reader: PdfFileReader
    revisions: int
    record: BuildRecord | None  # as the build wrote it, in revision 0
    latest_record: BuildRecord | None  # as the last revision shows it
    info_changed: Sequence[str]
    content: str  # the digest of what the pages show now
    field_names: Sequence[str]  # every signature field, a name as often as it occurs
    fields: Mapping[str, object]  # each name's signature value (None: not signed)
    embedded: Sequence[EmbeddedPdfSignature]  # in the order of the revisions they sign


def _parse(data: bytes, where: Location) -> _Parsed:
    try:
        # Strict: a dictionary with a key twice, a hybrid cross-reference, an object where its
        # number says another is: where readers may disagree on what the document is, refuse.
        reader = PdfFileReader(io.BytesIO(data), strict=True)
        revisions = reader.xrefs.total_revisions
        refuse_too_many_revisions(revisions, where)
        plain = PdfReader(io.BytesIO(data), strict=True)  # no recovery: what pyHanko reads, or nothing
        latest_record = read_record(plain)
        record = build_revision_record(reader)
        info_changed = changed_information(reader, revisions)
        if record is not None:
            refuse_too_many_revisions(revisions, where, limit=revision_budget(record))
        content = content_digest(plain)
        field_names = [field_name for field_name, _, _ in enumerate_sig_fields(reader)]
        fields = {field_name: value for field_name, value, _ in enumerate_sig_fields(reader)}
        embedded = sorted(reader.embedded_signatures, key=lambda s: s.signed_revision)
    except ParapheError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise SigningError.at(where, _("not a readable PDF ({exc})", exc=exc), "verify.unreadable") from None
    except Exception as exc:  # pyHanko's own PdfReadError and friends have no common root with pypdf's.
        raise SigningError.at(where, _("not a readable PDF ({exc})", exc=exc), "verify.unreadable") from None
    return _Parsed(reader, revisions, record, latest_record, info_changed, content, field_names, fields, embedded)


def _record_problems(parsed: _Parsed, where: Location) -> tuple[bool | None, list[Diagnostic]]:
    """Whether the pages are those the build recorded (None: no record to say so), and what
    changed in the record or the document information since the build."""
    record = parsed.record
    problems: list[Diagnostic] = []
    if record is not None and parsed.latest_record != record:
        # Signatures protect the revisions they cover; the information dictionary of a later
        # one is not checked by the difference analysis, so the build's own revision is trusted.
        message = _("the build record was changed after the build (signatories, digests or fingerprint)")
        problems.append(Diagnostic(where, message, "verify.record-changed"))
    if parsed.info_changed:
        # pyHanko lets any revision rewrite the document information (a title a viewer shows).
        message = _(
            "the document information was changed after the build: {names}", names=", ".join(parsed.info_changed)
        )
        problems.append(Diagnostic(where, message, "verify.info-changed"))
    if record is None:
        message = _("no paraphe build record: this PDF was not built by paraphe, or its record was removed")
        problems.append(Diagnostic(where, message, "verify.no-record"))
        return None, problems
    if not record.content.startswith(f"{CONTENT_DIGEST_VERSION}:"):
        message = _("built by an older paraphe, whose record does not cover everything the pages show: rebuild it")
        problems.append(Diagnostic(where, message, "verify.old-record"))
        return None, problems
    if record.content != parsed.content:
        message = _(
            "the pages differ from the document as built (content, font, image, annotation, form "
            "field or document action changed)"
        )
        problems.append(Diagnostic(where, message, "verify.pages-changed"))
        return False, problems
    return True, problems


def _context(checks: Checks) -> ValidationContext:
    return ValidationContext(
        trust_roots=list(checks.trust_roots),
        crls=list(checks.crls),
        allow_fetching=False,
        # Given lists, a certificate they do not vouch for is not trusted; without, nothing is claimed.
        # (« require »: a certificate that names no list of its own is checked against those given.)
        revocation_mode="require" if checks.crls else "soft-fail",
        moment=checks.at(),
    )


def _check_signatures(parsed: _Parsed, checks: Checks, where: Location) -> list[SignatureReport]:
    """Every embedded signature, in the order of the revisions it signs; only the first may certify.
    Document timestamps (B-LTA) are not signatures of anyone: check_timestamp reports them."""
    context = _context(checks)
    signatures: list[SignatureReport] = []
    regular = [sig for sig in parsed.embedded if not is_document_timestamp(sig)]
    for index, sig in enumerate(regular):
        signatures.append(
            check_signature(
                sig,
                parsed.record,
                context,
                where,
                moment=checks.at(),
                crls=checks.crls,
                trust_roots=checks.trust_roots,
                certification=index == 0 and certifies(sig),
                earlier=signatures[-1] if signatures else None,
            )
        )
    return signatures


def _revision_problems(parsed: _Parsed, signatures: Sequence[SignatureReport], where: Location) -> list[Diagnostic]:
    """Every revision after the build's held to it: each a signature, changing only its field, and the
    certification the record announces."""
    found = unsigned_updates(parsed.reader, parsed.embedded, parsed.revisions)
    found += [
        (m, "verify.revision-changes") for m in review_revisions(parsed.reader, parsed.embedded, parsed.revisions)
    ]
    if parsed.record is not None:
        found += certification_problems(parsed.record, signatures, parsed.embedded)
    return [Diagnostic(where, message, rule) for message, rule in found]


def _field_problems(parsed: _Parsed, signatures: Sequence[SignatureReport], where: Location) -> list[Diagnostic]:
    """The signature fields: those the build made, each name once, each signature readable."""
    problems: list[Diagnostic] = []
    if parsed.record is not None:
        expected = {s.id for s in parsed.record.signatories} | {s.field for s in signatures if s.certification}
        expected |= {sig.field_name for sig in parsed.embedded if is_document_timestamp(sig)}
        for extra in sorted(set(parsed.fields) - expected):
            problems.append(
                Diagnostic(
                    where, _("signature field {extra} was not made by the build", extra=extra), "verify.unknown-field"
                )
            )
    names = parsed.field_names
    for repeated in sorted({n for n in names if names.count(n) > 1}):
        message = _(
            "{count} signature fields are named {repeated}: which one a reader shows is a guess",
            count=names.count(repeated),
            repeated=repeated,
        )
        problems.append(Diagnostic(where, message, "verify.duplicate-field"))
    signed = {s.field for s in signatures} | {sig.field_name for sig in parsed.embedded}
    for field_name, value in parsed.fields.items():
        if field_name not in signed and value is not None:
            message = _("field {field_name} holds a signature that cannot be read", field_name=field_name)
            problems.append(Diagnostic(where, message, "verify.unreadable-signature"))
    return problems


def _stated_date(
    record: BuildRecord | None, signatures: Sequence[SignatureReport], where: Location
) -> list[Diagnostic]:
    """Signatures made on another day than the one the document states (« Fait à …, le … »): a
    warning, since the document then says something the signatures do not. A document that states
    « à la date de la dernière signature électronique » names no day of its own: none is pointed out."""
    if record is None or not record.date or record.dated_by_last_signature:
        return []
    stated = dt.date.fromisoformat(record.date)
    found = []
    for signature in signatures:
        when = signature.timestamp or signature.signed_at
        if signature.certification or when is None:
            continue
        day = when.astimezone(SIGNING_ZONE).date()
        if day != stated:
            how = _("timestamped") if signature.timestamp else _("claimed")
            message = _(
                "{field}: signed on {day} ({how}), but the document states it is signed on {stated}",
                field=signature.field,
                day=fr_date(day),
                how=how,
                stated=fr_date(stated),
            )
            found.append(Diagnostic(where, message, "verify.date-stated"))
    return found


def _pending(
    parsed: _Parsed, signatures: Sequence[SignatureReport], where: Location
) -> tuple[tuple[SignatoryRecord, ...], list[Diagnostic]]:
    """The signatories of a final document who have not signed yet, and whether each has a field to sign."""
    if parsed.record is None or not parsed.record.final:
        return (), []
    signed = {s.field for s in signatures}
    pending = tuple(s for s in parsed.record.signatories if s.id not in signed)
    missing = [s.id for s in pending if s.id not in parsed.fields]
    if not missing:
        return pending, []
    return pending, [
        Diagnostic(where, _("signature field(s) missing: {names}", names=", ".join(missing)), "verify.missing-field")
    ]


def check_manifest(record: BuildRecord | None, convention: Convention, where: Location) -> ManifestCheck:
    """Whether the PDF at `where` was built from `convention` (its manifest, annexes and template)."""
    shown = str(convention.source)
    if record is None:
        # The missing record is itself reported (verify.no-record): nothing more to say here.
        return ManifestCheck(shown, False, ())
    problems: list[Diagnostic] = []
    notes: list[str] = []
    if convention.source_digest != record.manifest:
        message = _("not built from {shown}: the manifest differs from the one recorded in the PDF", shown=shown)
        problems.append(Diagnostic(where, message, "verify.manifest-mismatch"))
    amendment, amends = convention.amendment, record.amends
    if amendment is not None and (
        amends is None or (amends.state, amends.result) != (amendment.amends, amendment.result)
    ):
        message = _(
            "not built from {shown} as it stands: the versions of the convention it names have changed since",
            shown=shown,
        )
        problems.append(Diagnostic(where, message, "verify.manifest-mismatch"))
    if annex_digests(convention) != record.annexes:
        message = _("annex files of {shown} differ from those the PDF was built with", shown=shown)
        problems.append(Diagnostic(where, message, "verify.annex-mismatch"))
    template = template_path(convention.kind, convention.source)
    if template.is_file() and sha256_file(template) != record.template:
        notes.append(_("built with another version of {template} than the current one", template=template.name))
    return ManifestCheck(shown, not problems, tuple(problems), tuple(notes))
