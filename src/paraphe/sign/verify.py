"""Verification: is this the document that was built, and does every signature still hold?

Reads a PDF with pyHanko and reports, as frozen dataclasses, for every signature:
who signed and when (as the signer claims it), whether the signed bytes are intact,
whether the certificate is usable (dates, key usage) and leads to a trusted root (when
roots are given), whether it is the named signatory's, and what changed after it
(pyHanko's difference analysis).

The build's own revision (revision 0, which every signature covers) is the reference:
its record says what was built, by whom it was to be certified and what the pages
showed; every later revision is reviewed against it, signatures included, and nothing
may follow the last revision that pyHanko reads. Beside the signatures: the build record
(fingerprint, content unchanged since the build, optionally the manifest it came from)
and the signatories still pending.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import x509
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    CatalogModificationRule,
    ModificationLevel,
    StandardDiffPolicy,
    SuspiciousModification,
)
from pyhanko.sign.diff_analysis.constants import ACROFORM_EXEMPT_STRICT_COMPARISON, ROOT_EXEMPT_STRICT_COMPARISON
from pyhanko.sign.diff_analysis.form_rules_api import FormUpdatingRule
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from paraphe.diagnostics import Diagnostic, Location
from paraphe.errors import ParapheError, SigningError
from paraphe.fsutil import read_regular_file
from paraphe.manifest.model import Convention
from paraphe.paths import display_path
from paraphe.provenance import (
    CONTENT_DIGEST_VERSION,
    RECORD_KEY,
    BuildRecord,
    SignatoryRecord,
    annex_digests,
    content_digest,
    parse_record,
    read_record,
)
from paraphe.resources import template_path
from paraphe.sign.credentials import certificate_holder, common_names, key_usage_problem, same_person
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
# The build, its certification, one signature per signatory, and room for what long-term
# validation adds (a timestamp and validation data per signature): far beyond any convention,
# far below what makes the difference analysis slow (9 000 revisions took 43 s).
MAX_REVISIONS = 200
# A signer's clock may be a little ahead of ours; a claimed time further ahead is not believed.
CLOCK_SKEW = dt.timedelta(minutes=10)
_TAIL = re.compile(rb"startxref\s+(\d+)\s*%%EOF(\r\n|\r|\n)?\Z")


def load_trust_roots(paths: Sequence[Path]) -> list[x509.Certificate]:
    roots = []
    for path in paths:
        try:
            roots.append(load_cert_from_pemder(str(path)))
        except (OSError, ValueError) as exc:
            raise SigningError.at(
                Location(str(path)), f"cannot read trusted certificate: {exc}", "verify.trust"
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
            raise SigningError.at(Location(str(path)), f"cannot read revocation list: {exc}", "verify.crl") from None
        lists.append(found)
    return lists


@dataclass(frozen=True)
class Checks:
    """What a verification is given beyond the PDF: trusted roots, revocation lists, the time it is done."""

    trust_roots: Sequence[x509.Certificate] = ()
    crls: Sequence[asn1_crl.CertificateList] = ()
    moment: dt.datetime | None = None  # now, unless a test says otherwise

    def at(self) -> dt.datetime:
        return self.moment or dt.datetime.now(dt.UTC)


def verify_pdf(
    pdf: Path,
    *,
    trust: Sequence[Path] = (),
    crls: Sequence[Path] = (),
    convention: Convention | None = None,
) -> VerificationReport:
    """Verify the PDF at `pdf`; with a `convention`, also that it was built from its manifest."""
    shown = display_path(pdf)
    if crls and not trust:
        raise SigningError.at(
            Location(str(crls[0])),
            "revocation is checked along a chain to a trusted root: give --trust with --crl",
            "verify.crl",
        )
    checks = Checks(load_trust_roots(trust), load_crls(crls))
    try:
        data = read_regular_file(pdf)
    except OSError as exc:
        raise SigningError.at(Location(shown), f"cannot read: {exc.strerror}", "verify.io") from None
    report = verify_bytes(data, shown, checks)
    if convention is not None:
        report = replace(report, manifest=check_manifest(report.record, convention, Location(report.path)))
    return report


def verify_bytes(data: bytes, name: str, checks: Checks | None = None) -> VerificationReport:
    """The verification report of a PDF held in memory; `name` is used in messages."""
    checks = checks or Checks()
    where = Location(name)
    _refuse_too_many_revisions(data.count(b"%%EOF"), where)
    _refuse_unfinished_update(data, where)
    try:
        # Strict: a dictionary with a key twice, a hybrid cross-reference, an object where its
        # number says another is: where readers may disagree on what the document is, refuse.
        reader = PdfFileReader(io.BytesIO(data), strict=True)
        revisions = reader.xrefs.total_revisions
        _refuse_too_many_revisions(revisions, where)
        plain = PdfReader(io.BytesIO(data), strict=True)  # no recovery: what pyHanko reads, or nothing
        latest_record = read_record(plain)
        record = _build_revision_record(reader)
        info_changed = _info_changed(reader, revisions)
        if record is not None:
            _refuse_too_many_revisions(revisions, where, limit=revision_budget(record))
        content = content_digest(plain)
        field_names = [field_name for field_name, _, _ in enumerate_sig_fields(reader)]
        fields = {field_name: value for field_name, value, _ in enumerate_sig_fields(reader)}
        embedded = sorted(reader.embedded_signatures, key=lambda s: s.signed_revision)
    except ParapheError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise SigningError.at(where, f"not a readable PDF ({exc})", "verify.unreadable") from None
    except Exception as exc:  # pyHanko's own PdfReadError and friends have no common root with pypdf's.
        raise SigningError.at(where, f"not a readable PDF ({exc})", "verify.unreadable") from None

    problems: list[Diagnostic] = []

    def problem(message: str, rule: str) -> None:
        problems.append(Diagnostic(where, message, rule))

    for message, rule in _end_of_file(data, reader, embedded):
        problem(message, rule)
    content_unchanged: bool | None = None
    if record is not None and latest_record != record:
        # Signatures protect the revisions they cover; the information dictionary of a later
        # one is not checked by the difference analysis, so the build's own revision is trusted.
        problem(
            "the build record was changed after the build (signatories, digests or fingerprint)",
            "verify.record-changed",
        )
    if info_changed:
        # pyHanko lets any revision rewrite the document information (a title a viewer shows).
        problem(
            f"the document information was changed after the build: {', '.join(info_changed)}",
            "verify.info-changed",
        )
    if record is None:
        problem(
            "no paraphe build record: this PDF was not built by paraphe, or its record was removed", "verify.no-record"
        )
    elif not record.content.startswith(f"{CONTENT_DIGEST_VERSION}:"):
        problem(
            "built by an older paraphe, whose record does not cover everything the pages show: rebuild it",
            "verify.old-record",
        )
    else:
        content_unchanged = record.content == content
        if not content_unchanged:
            problem(
                "the pages differ from the document as built "
                "(content, font, image, annotation, form field or document action changed)",
                "verify.pages-changed",
            )

    moment = checks.at()
    context = ValidationContext(
        trust_roots=list(checks.trust_roots),
        crls=list(checks.crls),
        allow_fetching=False,
        # Given lists, a certificate they do not vouch for is not trusted; without, nothing is claimed.
        # (« require »: a certificate that names no list of its own is checked against those given.)
        revocation_mode="require" if checks.crls else "soft-fail",
        moment=moment,
    )
    signatures: list[SignatureReport] = []
    for index, sig in enumerate(embedded):
        earlier = signatures[-1] if signatures else None
        signatures.append(
            _check_signature(
                sig,
                record,
                context,
                where,
                checks=checks,
                certification=index == 0 and _certifies(sig),
                earlier=earlier,
            )
        )
    signed = {s.field for s in signatures}
    # Every revision after the build's must be a signature: anything else (an object, an action,
    # a field, an appearance) changed the document, whatever the pages look like.
    unsigned = sorted(set(range(1, revisions)) - {sig.signed_revision for sig in embedded})
    if unsigned:
        shown = ", ".join(str(r + 1) for r in unsigned[:10]) + (", …" if len(unsigned) > 10 else "")
        problem(
            f"{len(unsigned)} update(s) appended after the build are not signatures "
            f"(revision {shown} of {revisions}): the document was changed",
            "verify.unsigned-update",
        )
    for message in _review_revisions(reader, embedded, revisions):
        problem(message, "verify.revision-changes")
    if record is not None:
        for message, rule in _certification(record, signatures, embedded):
            problem(message, rule)
        expected = {s.id for s in record.signatories} | {s.field for s in signatures if s.certification}
        for extra in sorted(set(fields) - expected):
            problem(f"signature field {extra} was not made by the build", "verify.unknown-field")
    for repeated in sorted({n for n in field_names if field_names.count(n) > 1}):
        problem(
            f"{field_names.count(repeated)} signature fields are named {repeated}: which one a reader shows is a guess",
            "verify.duplicate-field",
        )
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
        name,
        record,
        content_unchanged,
        tuple(signatures),
        pending,
        None,
        tuple(problems),
        chains_checked=bool(checks.trust_roots),
        revocation_checked=bool(checks.crls),
    )


def revision_budget(record: BuildRecord) -> int:
    """The revisions a document may hold: the build, its certification, and per signature room for
    the signature, its validation data and a document timestamp (long-term validation)."""
    return min(MAX_REVISIONS, 2 + 4 * (len(record.signatories) + 1))


def _refuse_too_many_revisions(count: int, where: Location, limit: int = MAX_REVISIONS) -> None:
    # Before any analysis: each revision costs pyHanko a comparison per signature before it.
    if count > limit:
        raise SigningError.at(
            where,
            f"{count} revisions: more than the {limit} this document can need; not verified",
            "verify.too-many-revisions",
        )


def _refuse_unfinished_update(data: bytes, where: Location) -> None:
    """Bytes after the last `%%EOF`: an update some readers apply and others ignore, or cannot read.

    Before parsing, as pyHanko may read past them (or fail on them): whatever it makes of them,
    what poppler or qpdf would show is not what verify would check.
    """
    marker = data.rfind(b"%%EOF")
    if marker < 0 or _TAIL.search(data[-256:]) is not None:
        return  # no marker at all: not a PDF, which parsing says
    end = marker + 5
    end += len(re.match(rb"(\r\n|\r|\n)?", data[end:]).group(0))  # type: ignore[union-attr]
    raise SigningError.at(
        where,
        f"{len(data) - end} byte(s) after the last end-of-file marker: an update that is not a complete "
        "revision, which other PDF readers may show; not verified",
        "verify.trailing-data",
    )


def _end_of_file(data: bytes, reader: PdfFileReader, embedded: Sequence[EmbeddedPdfSignature]) -> list[tuple[str, str]]:
    """Whether the file ends where the last revision pyHanko reads ends.

    Readers disagree about bytes after it: pyHanko and pypdf read the last complete revision,
    poppler and qpdf may read an update without its `%%EOF`, or recover loose objects. Whatever
    verify does not read, it cannot vouch for: nothing may follow.
    """
    last = reader.xrefs.total_revisions - 1
    signed_last = [sig for sig in embedded if sig.signed_revision == last]
    if signed_last:
        byte_range = signed_last[0].byte_range
        end = int(byte_range[-2]) + int(byte_range[-1])
        what = f"the end of the last signature ({signed_last[0].field_name})"
    else:
        marker = data.rfind(b"%%EOF")
        end = marker + 5 if marker >= 0 else 0
        end += len(re.match(rb"(\r\n|\r|\n)?", data[end:]).group(0))  # type: ignore[union-attr]
        what = "the last end-of-file marker"
    if end < len(data):
        return [
            (
                f"{len(data) - end} byte(s) after {what}: "
                "an update no signature covers, which other PDF readers may show",
                "verify.trailing-data",
            )
        ]
    tail = _TAIL.search(data[-256:])
    if tail is None or int(tail.group(1)) != reader.xrefs.get_startxref_for_revision(last):
        return [
            (
                "the file's last cross-reference pointer is not the one of its last revision: "
                "readers may disagree on what the document is",
                "verify.trailing-data",
            )
        ]
    return []


def _review_policy(*, certified: bool) -> StandardDiffPolicy:
    """pyHanko's policy, for comparisons with the unsigned build that pyHanko itself never makes.

    The first signature sets the form's /SigFlags, and a certification adds /Perms to the catalog:
    pyHanko compares only revisions after a signature, where both are already there. Compared
    with the build, every later revision shows them; that they stay as signed is each signature's
    own analysis (verify.changed-after).
    """
    default_form_rule = DEFAULT_DIFF_POLICY.form_rule
    assert default_form_rule is not None
    catalog_keys = ROOT_EXEMPT_STRICT_COMPARISON | ({"/Perms"} if certified else set())
    return StandardDiffPolicy(
        global_rules=[
            CatalogModificationRule(ignored_keys=catalog_keys),
            *(rule for rule in DEFAULT_DIFF_POLICY.global_rules if not isinstance(rule, CatalogModificationRule)),
        ],
        form_rule=FormUpdatingRule(
            field_rules=default_form_rule.field_rules,
            ignored_acroform_keys=ACROFORM_EXEMPT_STRICT_COMPARISON | {"/SigFlags"},
        ),
    )


_REVIEW = {certified: _review_policy(certified=certified) for certified in (False, True)}


def _review_revisions(reader: PdfFileReader, embedded: Sequence[EmbeddedPdfSignature], revisions: int) -> list[str]:
    """Every signed revision against the build's (revision 0): only signature fields filled in.

    A signature covers its own revision: whatever its signer changed there is signed, not
    allowed. The difference analysis after each signature does not look at that revision;
    this does, for the first signer too, certified document or not.
    """
    base = reader.get_historical_resolver(0)
    signed_in = {sig.signed_revision: sig.field_name for sig in embedded}
    policy = _REVIEW[bool(embedded) and _certifies(embedded[0])]
    filled: set[str] = set()
    messages = []
    for revision in range(1, revisions):
        field_name = signed_in.get(revision)
        if field_name is None:
            continue  # an unsigned update is reported as such (verify.unsigned-update)
        filled.add(field_name)
        what = f"revision {revision + 1} of {revisions} ({field_name}'s signature)"
        try:
            result = policy.apply(base, reader.get_historical_resolver(revision))
        except SuspiciousModification:
            messages.append(f"{what} changes the document beyond its signature field: objects were added or replaced")
            continue
        except Exception as exc:  # a revision the analysis cannot read is no better
            messages.append(f"{what} cannot be compared with the build ({exc})")
            continue
        level = result.modification_level
        if level > ALLOWED_AFTER_SIGNING:
            messages.append(f"{what} changes the document beyond its signature field: {MODIFICATION_WORDS[level]}")
        changed = sorted(result.changed_form_fields - filled)
        if changed:
            messages.append(f"{what} changes form field(s) other than signatures filled in: {', '.join(changed)}")
    return messages


def _certification(
    record: BuildRecord, signatures: Sequence[SignatureReport], embedded: Sequence[EmbeddedPdfSignature]
) -> list[tuple[str, str]]:
    """The certification the record announces, made with the certificate it names, right after the build."""
    certification = signatures[0] if signatures and signatures[0].certification else None
    if record.certifier and record.final:
        if certification is None or embedded[0].signed_revision != 1:
            return [
                (
                    "built to be certified by the secretariat, but the certification is missing: "
                    "it was cut off or replaced",
                    "verify.not-certified",
                )
            ]
        if certification.fingerprint != record.certifier:
            return [
                (
                    f"{certification.field}: certified with the certificate of {certification.holder}, "
                    "not the one the build recorded",
                    "verify.wrong-certifier",
                )
            ]
    elif certification is not None:
        return [
            (
                f"{certification.field}: a certification the build did not make (it was built not to be certified)",
                "verify.unexpected-certification",
            )
        ]
    return []


# What signing rewrites in the document information; the record has its own check.
_INFO_VOLATILE = frozenset({"/Producer", "/ModDate", RECORD_KEY})


def _info(reader: PdfFileReader, revision: int) -> dict[str, str]:
    resolver = reader.get_historical_resolver(revision)
    info = resolver.trailer_view.raw_get("/Info") if "/Info" in resolver.trailer_view else None
    if isinstance(info, generic.IndirectObject):
        info = resolver(info.reference)
    if not isinstance(info, generic.DictionaryObject):
        return {}
    return {str(key): str(info.raw_get(key)) for key in info}


def _info_changed(reader: PdfFileReader, revisions: int) -> list[str]:
    """Entries of the document information (title, author, subject…) that differ from the build's,
    and the XMP metadata when it says more than its first version did."""
    built, latest = _info(reader, 0), _info(reader, revisions - 1)
    changed = sorted(
        k for k in built.keys() | latest.keys() if k not in _INFO_VOLATILE and built.get(k) != latest.get(k)
    )
    versions = [_xmp(reader, revision) for revision in range(revisions)]
    first = next((v for v in versions if v is not None), None)
    if first is not None and versions[-1] != first:
        changed.append("XMP metadata")
    return changed


# Signing rewrites the XMP packet's modification date and producer (pyHanko's); nothing else.
_XMP_VOLATILE = re.compile(rb'((?:xmp:ModifyDate|xmp:MetadataDate|pdf:Producer)=")[^"]*"')


def _xmp(reader: PdfFileReader, revision: int) -> bytes | None:
    """The catalog's XMP packet at `revision`, its volatile values blanked (None without one)."""
    resolver = reader.get_historical_resolver(revision)
    root = resolver.root
    metadata = root.raw_get("/Metadata") if "/Metadata" in root else None
    if isinstance(metadata, generic.IndirectObject):
        metadata = resolver(metadata.reference)
    if not isinstance(metadata, generic.StreamObject):
        return None
    return _XMP_VOLATILE.sub(rb'\1"', metadata.data)


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
    checks: Checks,
    certification: bool,
    earlier: SignatureReport | None,
) -> SignatureReport:
    field_name = sig.field_name
    signatory = None if certification or record is None else record.signatory(field_name)
    problems: list[Diagnostic] = []
    check_trust = bool(checks.trust_roots)

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
    certificate = status.signing_cert
    ambiguous = False
    try:
        holder = certificate_holder(certificate)
    except ValueError as exc:
        ambiguous = True
        holder = " + ".join(common_names(certificate))  # shown, never matched: no one person is named
        problem(str(exc), "verify.holder-ambiguous")
    intact = bool(status.intact and status.valid)
    if not status.intact:
        problem("the signed bytes were modified: the signature no longer matches the document", "verify.not-intact")
    elif not status.valid:
        problem("the signature value does not match its certificate", "verify.bad-value")
    if status.coverage is None or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        # The hole in /ByteRange holds more than the signature value: unsigned bytes inside the
        # signed revision (signature wrapping), which readers parse as part of the document.
        problem(
            "the signature does not cover its whole revision: bytes beside the signature value are not signed",
            "verify.coverage",
        )

    # The certificate itself, whether or not chains are checked: dates at the time of verification
    # (no trusted time yet), and the key usage pyHanko's chain validation asks for.
    moment = checks.at()
    not_before, not_after = certificate.not_valid_before, certificate.not_valid_after
    dated = True
    if moment < not_before:
        dated = False
        problem(f"certificate of {holder} is not valid before {not_before:%Y-%m-%d}", "verify.cert-not-yet-valid")
    elif moment > not_after:
        dated = False
        problem(f"certificate of {holder} expired on {not_after:%Y-%m-%d}", "verify.cert-expired")
    usage = key_usage_problem(certificate)
    if usage is not None:
        problem(f"certificate of {holder} {usage}", "verify.key-usage")

    trust: Trust = "not checked"
    if check_trust:
        trust = "trusted" if status.trusted else "untrusted"
        indication = str(getattr(status.trust_problem_indic, "name", ""))
        if status.trusted:
            pass
        elif "REVOKED" in indication or status.revocation_details is not None:
            problem(f"certificate of {holder} is revoked", "verify.revoked")
        elif checks.crls and not any(c.issuer == certificate.issuer for c in checks.crls):
            problem(
                f"certificate of {holder}: no revocation list given is of its issuer ({_issuer(certificate)})",
                "verify.revocation-unknown",
            )
        elif (not dated or usage is not None) and indication != "NO_CERTIFICATE_CHAIN_FOUND":
            pass  # said above, as what it is: pyHanko's path validation stops at the same flaw
        else:
            problem(f"certificate of {holder} does not lead to a trusted root", "verify.untrusted")

    claimed = status.signer_reported_dt
    if claimed is not None:
        if not not_before <= claimed <= not_after:
            problem(
                f"claims to have signed on {claimed:%Y-%m-%d %H:%M %Z}, outside the validity of its certificate "
                f"({not_before:%Y-%m-%d} to {not_after:%Y-%m-%d})",
                "verify.claimed-time",
            )
        elif claimed > moment + CLOCK_SKEW:
            problem(f"claims to have signed on {claimed:%Y-%m-%d %H:%M %Z}, in the future", "verify.claimed-time")
        elif earlier is not None and earlier.signed_at is not None and claimed < earlier.signed_at - CLOCK_SKEW:
            problem(
                f"claims to have signed on {claimed:%Y-%m-%d %H:%M %Z}, before the signature it follows "
                f"({earlier.field}, {earlier.signed_at:%Y-%m-%d %H:%M %Z})",
                "verify.claimed-time",
            )

    holder_is_signatory: bool | None = None
    if signatory is not None:
        holder_is_signatory = not ambiguous and same_person(signatory.name, holder)
        if not holder_is_signatory and not ambiguous:
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
        claimed,
        intact,
        trust,
        holder_is_signatory,
        changes,
        tuple(problems),
        fingerprint=hashlib.sha256(certificate.dump()).hexdigest(),
        issuer=_issuer(certificate),
        revocation="checked" if checks.crls and check_trust else "not checked",
    )


def _issuer(certificate: x509.Certificate) -> str:
    issuer = certificate.issuer.native
    return str(issuer.get("common_name") or certificate.issuer.human_friendly)


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
