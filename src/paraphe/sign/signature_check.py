"""One embedded signature: does it still hold, and is it the named signatory's?

pyHanko validates the signature once; each check below reads that status and the signer's
certificate and says what it found, in the order the report lists it: the signed bytes
(integrity and coverage), the certificate itself (dates and key usage, whether or not chains
are checked), its chain to a trusted root and its revocation, the time the signer claims, the
holder against the signatory the build named, and what changed after the signature. Apart from
the document's own checks (revisions.py): these look at one signer, those at the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from typing import Literal

from asn1crypto import crl as asn1_crl
from asn1crypto import x509
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import DocumentTimestampStatus, PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from paraphe.diagnostics import Diagnostic, Location
from paraphe.i18n import _
from paraphe.provenance import BuildRecord, SignatoryRecord
from paraphe.sign.credentials import (
    certificate_holder,
    common_names,
    key_usage_problem,
    registration_problem,
    same_person,
)
from paraphe.sign.long_term import long_term_validation
from paraphe.sign.revisions import ALLOWED_AFTER_SIGNING, MODIFICATION_WORDS
from paraphe.sign.signature_report import SignatureReport, TimestampReport, Trust, reader_time

log = logging.getLogger(__name__)

# A signer's clock may be a little ahead of ours; a claimed time further ahead is not believed.
CLOCK_SKEW = dt.timedelta(minutes=10)

# A message and its rule, before the field's name is put in front of it.
Problem = tuple[str, str]


def check_signature(
    sig: EmbeddedPdfSignature,
    record: BuildRecord | None,
    context: ValidationContext,
    where: Location,
    *,
    moment: dt.datetime,
    crls: Sequence[asn1_crl.CertificateList],
    trust_roots: Sequence[x509.Certificate],
    certification: bool,
    earlier: SignatureReport | None,
) -> SignatureReport:
    """The report of `sig` at `moment`; `context` validates it (the trusted roots, the revocation
    lists `crls`); `earlier` is the report of the signature it follows, if any.

    A signature with a trusted timestamp and its validation data in the document (PAdES B-LT,
    B-LTA) is also validated the long-term way: when that holds, its certificate is judged at
    the time the timestamp proves, with the revocation information embedded then, so it still
    verifies once the certificate has expired.
    """
    chains_checked = bool(trust_roots)
    field_name = sig.field_name
    signatory = None if certification or record is None else record.signatory(field_name)

    def located(problems: Sequence[Problem]) -> tuple[Diagnostic, ...]:
        # The field names the signature: one PDF holds several.
        return tuple(Diagnostic(where, f"{field_name}: {message}", rule) for message, rule in problems)

    try:
        status: PdfSignatureStatus = validate_pdf_signature(sig, context)
    except Exception as exc:  # a malformed signature must be reported, not crash the report
        log.debug("validation of %s failed", field_name, exc_info=True)
        malformed = [(_("signature cannot be validated ({exc})", exc=exc), "verify.malformed-signature")]
        return SignatureReport(
            field_name, signatory, certification, "?", None, False, "not checked", None, "unknown", located(malformed)
        )
    certificate = status.signing_cert
    holder, ambiguous, problems = _holder(certificate)
    intact, found = _integrity(status)
    problems += found
    long_term = long_term_validation(sig, trust_roots, moment) if chains_checked and _timestamped(status) else None
    proven = long_term.proven_time if long_term is not None and long_term.ok else None
    usable, found = _certificate_usable(certificate, holder, proven or moment)
    problems += found
    trust, found = _trust(status, certificate, holder, crls=crls, chains_checked=chains_checked, usable=usable)
    if proven is not None:
        # Judged at its proven time; only a revocation list given now that shows it revoked still counts.
        revoked = [problem for problem in found if problem[1] == "verify.revoked"]
        trust = "untrusted" if revoked else "trusted"
        problems += revoked
    else:
        # Without long-term validation data a timestamped signature is judged as any other; when the
        # judgement fails, why the long-term one failed too is worth saying.
        if (found or not usable) and long_term is not None:
            found.append(
                (_("its long-term validation fails too: {failure}", failure=long_term.failure), "verify.long-term")
            )
        problems += found
    problems += _claimed_time(status.signer_reported_dt, certificate, moment, earlier)
    problems += _timestamp_problems(status, chains_checked=chains_checked and proven is None)
    holder_is_signatory, found = _holder_is_signatory(
        signatory, holder, certificate, ambiguous=ambiguous, certification=certification
    )
    problems += found
    changes, found = _changes_after(status)
    problems += found
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
        located(problems),
        fingerprint=hashlib.sha256(certificate.dump()).hexdigest(),
        issuer=_issuer(certificate),
        revocation=_revocation(crls, chains_checked=chains_checked, long_term=proven is not None),
        timestamp=_timestamp_time(status),
        long_term=proven is not None,
    )


def _revocation(
    crls: Sequence[asn1_crl.CertificateList], *, chains_checked: bool, long_term: bool
) -> Literal["checked", "embedded", "not checked"]:
    if long_term:
        return "embedded"
    return "checked" if crls and chains_checked else "not checked"


def _timestamped(status: PdfSignatureStatus) -> bool:
    return status.timestamp_validity is not None


def _timestamp_time(status: PdfSignatureStatus) -> dt.datetime | None:
    token = status.timestamp_validity
    return token.timestamp if token is not None and token.intact and token.valid else None


def _timestamp_problems(status: PdfSignatureStatus, *, chains_checked: bool) -> list[Problem]:
    """The signature's own timestamp token: intact, and (with --trust) from a trusted authority."""
    token = status.timestamp_validity
    if token is None:
        return []
    if not (token.intact and token.valid):
        return [(_("its timestamp token does not match the signature or its authority"), "verify.timestamp")]
    if chains_checked and not token.trusted:
        return [(_("its timestamp is not from a trusted time-stamping authority"), "verify.timestamp")]
    return []


def check_timestamp(
    sig: EmbeddedPdfSignature, context: ValidationContext, where: Location, *, chains_checked: bool
) -> TimestampReport:
    """A document timestamp (B-LTA): intact, from a trusted authority when roots are given."""
    try:
        status: DocumentTimestampStatus = validate_pdf_timestamp(sig, context)
    except Exception as exc:  # a malformed timestamp must be reported, not crash the report
        log.debug("validation of %s failed", sig.field_name, exc_info=True)
        message = _("{field_name}: document timestamp cannot be validated ({exc})", field_name=sig.field_name, exc=exc)
        return TimestampReport(sig.field_name, None, "?", False, (Diagnostic(where, message, "verify.timestamp"),))
    authority = _issuer_subject(status.signing_cert)
    problems: list[Diagnostic] = []
    if not (status.intact and status.valid):
        message = _(
            "{field_name}: the document timestamp does not match the document or its authority",
            field_name=sig.field_name,
        )
        problems.append(Diagnostic(where, message, "verify.timestamp"))
    elif chains_checked and not status.trusted:
        message = _(
            "{field_name}: the document timestamp of {authority} does not lead to a trusted root",
            field_name=sig.field_name,
            authority=authority,
        )
        problems.append(Diagnostic(where, message, "verify.timestamp"))
    return TimestampReport(sig.field_name, status.timestamp, authority, bool(status.trusted), tuple(problems))


def _issuer_subject(certificate: x509.Certificate) -> str:
    subject = certificate.subject.native
    return str(subject.get("common_name") or certificate.subject.human_friendly)


def _holder(certificate: x509.Certificate) -> tuple[str, bool, list[Problem]]:
    """Who the certificate names, and whether it names more than one person."""
    try:
        return certificate_holder(certificate), False, []
    except ValueError as exc:
        holder = " + ".join(common_names(certificate))  # shown, never matched: no one person is named
        return holder, True, [(str(exc), "verify.holder-ambiguous")]


def _integrity(status: PdfSignatureStatus) -> tuple[bool, list[Problem]]:
    """Whether the signed bytes are unchanged, the value is the certificate's, and it covers its revision."""
    problems: list[Problem] = []
    if not status.intact:
        problems.append(
            (_("the signed bytes were modified: the signature no longer matches the document"), "verify.not-intact")
        )
    elif not status.valid:
        problems.append((_("the signature value does not match its certificate"), "verify.bad-value"))
    if status.coverage is None or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        # The hole in /ByteRange holds more than the signature value: unsigned bytes inside the
        # signed revision (signature wrapping), which readers parse as part of the document.
        problems.append(
            (
                _("the signature does not cover its whole revision: bytes beside the signature value are not signed"),
                "verify.coverage",
            )
        )
    return bool(status.intact and status.valid), problems


def _certificate_usable(certificate: x509.Certificate, holder: str, moment: dt.datetime) -> tuple[bool, list[Problem]]:
    """The certificate itself, whether or not chains are checked: dates at the time of verification
    (no trusted time yet), and the key usage pyHanko's chain validation asks for."""
    problems: list[Problem] = []
    not_before, not_after = certificate.not_valid_before, certificate.not_valid_after
    if moment < not_before:
        problems.append(
            (
                _(
                    "certificate of {holder} is not valid before {not_before:%Y-%m-%d}",
                    holder=holder,
                    not_before=not_before,
                ),
                "verify.cert-not-yet-valid",
            )
        )
    elif moment > not_after:
        problems.append(
            (
                _("certificate of {holder} expired on {not_after:%Y-%m-%d}", holder=holder, not_after=not_after),
                "verify.cert-expired",
            )
        )
    usage = key_usage_problem(certificate)
    if usage is not None:
        problems.append((_("certificate of {holder} {usage}", holder=holder, usage=usage), "verify.key-usage"))
    return not problems, problems


def _trust(
    status: PdfSignatureStatus,
    certificate: x509.Certificate,
    holder: str,
    *,
    crls: Sequence[asn1_crl.CertificateList],
    chains_checked: bool,
    usable: bool,
) -> tuple[Trust, list[Problem]]:
    """Whether the certificate leads to a trusted root and is not revoked: only when roots are given."""
    if not chains_checked:
        return "not checked", []
    if status.trusted:
        return "trusted", []
    indication = str(getattr(status.trust_problem_indic, "name", ""))
    if "REVOKED" in indication or status.revocation_details is not None:
        return "untrusted", [(_("certificate of {holder} is revoked", holder=holder), "verify.revoked")]
    if crls and not any(c.issuer == certificate.issuer for c in crls):
        message = _(
            "certificate of {holder}: no revocation list given is of its issuer ({issuer})",
            holder=holder,
            issuer=_issuer(certificate),
        )
        return "untrusted", [(message, "verify.revocation-unknown")]
    if not usable and indication != "NO_CERTIFICATE_CHAIN_FOUND":
        return "untrusted", []  # said as what it is: pyHanko's path validation stops at the same flaw
    return "untrusted", [
        (_("certificate of {holder} does not lead to a trusted root", holder=holder), "verify.untrusted")
    ]


def _claimed_time(
    claimed: dt.datetime | None, certificate: x509.Certificate, moment: dt.datetime, earlier: SignatureReport | None
) -> list[Problem]:
    """The signer's own clock, not believed outside its certificate, in the future, or before the
    signature it follows."""
    if claimed is None:
        return []
    not_before, not_after = certificate.not_valid_before, certificate.not_valid_after
    when = _("claims to have signed on {claimed}", claimed=reader_time(claimed))
    if not not_before <= claimed <= not_after:
        return [
            (
                _(
                    "{when}, outside the validity of its certificate ({not_before:%Y-%m-%d} to {not_after:%Y-%m-%d})",
                    when=when,
                    not_before=not_before,
                    not_after=not_after,
                ),
                "verify.claimed-time",
            )
        ]
    if claimed > moment + CLOCK_SKEW:
        return [(_("{when}, in the future", when=when), "verify.claimed-time")]
    if earlier is not None and earlier.signed_at is not None and claimed < earlier.signed_at - CLOCK_SKEW:
        return [
            (
                _(
                    "{when}, before the signature it follows ({field}, {signed_at})",
                    when=when,
                    field=earlier.field,
                    signed_at=reader_time(earlier.signed_at),
                ),
                "verify.claimed-time",
            )
        ]
    return []


def _holder_is_signatory(
    signatory: SignatoryRecord | None,
    holder: str,
    certificate: x509.Certificate,
    *,
    ambiguous: bool,
    certification: bool,
) -> tuple[bool | None, list[Problem]]:
    """Whether the certificate is that of the signatory the build named for this field (None: no one
    was named, as for the certification)."""
    if signatory is None:
        if certification:
            return None, []
        return None, [
            (_("signature in a field that is not one of the document's signatories"), "verify.not-a-signatory")
        ]
    if ambiguous:
        return False, []  # said as what it is (verify.holder-ambiguous): no one person to compare
    if not same_person(signatory.name, holder):
        return False, [
            (
                _("signed with the certificate of {holder}, not that of {name}", holder=holder, name=signatory.name),
                "verify.wrong-signer",
            )
        ]
    registered = registration_problem(signatory, certificate)
    if registered is not None:
        return False, [(registered, "verify.not-registered")]
    return True, []


def _changes_after(status: PdfSignatureStatus) -> tuple[str, list[Problem]]:
    """What changed after the signature (pyHanko's difference analysis), in words."""
    level = status.modification_level
    changes = MODIFICATION_WORDS.get(level, "unknown") if level is not None else "unknown"
    if level is None or level > ALLOWED_AFTER_SIGNING or status.docmdp_ok is False:
        return changes, [
            (
                _("changed after this signature beyond filling in signatures: {changes}", changes=changes),
                "verify.changed-after",
            )
        ]
    return changes, []


def _issuer(certificate: x509.Certificate) -> str:
    issuer = certificate.issuer.native
    return str(issuer.get("common_name") or certificate.issuer.human_friendly)
