"""Long-term validation (PAdES B-LT, B-LTA): a signature judged at the time its timestamp proves.

pyHanko's AdES validation does the work: the chain of document timestamps gives proof that the
signature and its validation data (the /DSS: certificates, OCSP responses, CRLs) existed at the
time of the signature's timestamp; the signer's certificate is then validated at that time,
with that revocation information, offline. So a signature made with a certificate valid then
still verifies after the certificate has expired.

Revocation information is what was embedded when signing: it says whether the certificate was
revoked then (a revocation after the signature does not undo it, as PAdES has it; `verify --crl`
still reports a certificate that a list given then shows revoked).

The time-stamping authority's own certificate is judged at the time of verification against the
trusted roots, without revocation: the lists embedded with a timestamp are stale by then, and
verification never goes online. That is the one thing this trusts beyond what the file proves.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from asn1crypto import x509
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.policy_decl import PdfSignatureValidationSpec, SignatureValidationSpec
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import (
    REQUIRE_REVINFO,
    CertRevTrustPolicy,
    FreshnessReqType,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.registry import SimpleTrustManager

log = logging.getLogger(__name__)

# Revocation information embedded at signing, taken as still fresh: for as long as a convention may be verified.
REVOCATION_AS_EMBEDDED = dt.timedelta(days=365 * 50)
_NO_REVOCATION = RevocationCheckingPolicy(RevocationCheckingRule.NO_CHECK, RevocationCheckingRule.NO_CHECK)


@dataclass(frozen=True)
class LongTerm:
    """What long-term validation found: the time proven for the signature, or why it failed."""

    ok: bool
    proven_time: dt.datetime | None
    failure: str


def long_term_validation(
    sig: EmbeddedPdfSignature, trust_roots: Sequence[x509.Certificate], moment: dt.datetime
) -> LongTerm:
    """Validate `sig` the AdES long-term way, as at `moment`, with what the document embeds.

    First as AdES has it: revocation information is fresh for a short while after it was issued, so
    once the signer's certificate has expired the validation slides back to the time the document
    timestamps prove. Then, if that failed, with revocation information that stays fresh as long
    as a convention lives: pyHanko reports a document holding several signers' OCSP responses as
    lacking revocation information while their certificates are still valid, where it means stale.
    """
    first = _validate(sig, trust_roots, moment, freshness=None)
    if first.ok:
        return first
    second = _validate(sig, trust_roots, moment, freshness=REVOCATION_AS_EMBEDDED)
    return second if second.ok else first


def _validate(
    sig: EmbeddedPdfSignature,
    trust_roots: Sequence[x509.Certificate],
    moment: dt.datetime,
    *,
    freshness: dt.timedelta | None,
) -> LongTerm:
    trust = SimpleTrustManager.build(trust_roots=list(trust_roots))
    signer_policy = CertValidationPolicySpec(
        trust_manager=trust,
        # The signer's certificate needs revocation information, embedded in the document.
        revinfo_policy=CertRevTrustPolicy(
            REQUIRE_REVINFO, freshness=freshness, freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION
        ),
    )
    tsa_policy = CertValidationPolicySpec(trust_manager=trust, revinfo_policy=CertRevTrustPolicy(_NO_REVOCATION))
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=signer_policy,
            ts_cert_validation_policy=tsa_policy,
            key_usage_settings=KeyUsageConstraints(key_usage={"non_repudiation"}),
        )
    )
    timing = ValidationTimingInfo(moment, moment, point_in_time_validation=True)
    try:
        result = asyncio.run(ades_lta_validation(sig, spec, timing_info=timing))
    except Exception as exc:  # pyHanko's incubating AdES code: any failure is a failed validation
        log.debug("long-term validation of %s failed", sig.field_name, exc_info=True)
        return LongTerm(False, None, str(exc) or type(exc).__name__)
    if result.ades_subindic != AdESPassed.OK:
        return LongTerm(False, None, result.failure_msg or str(result.ades_subindic))
    return LongTerm(True, result.best_signature_time, "")
