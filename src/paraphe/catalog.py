"""Every rule code paraphe reports, declared once: its severity and what it means.

A diagnostic reads `file:line:col: error: message [rule]`; the rule is one of these codes.
The README's table of rules is generated from this catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Rule:
    code: str  # `topic.subject`, as printed between brackets
    severity: Severity  # a warning is shown and does not stop a build, unless --strict
    summary: str  # one line, in English: what the rule asks of the input


def _catalog(*rules: Rule) -> Mapping[str, Rule]:
    by_code: dict[str, Rule] = {}
    for rule in rules:
        if rule.code in by_code:
            raise ValueError(f"rule {rule.code} declared twice")
        by_code[rule.code] = rule
    return by_code


RULES: Mapping[str, Rule] = _catalog(
    # --- Manifest, build and the other stages: filled in by the validation work (issue 10) ---
    # --- Signing and verification (sign.*, verify.*) ---
    # sign: refusals before anything is written (a case each in tests/hostile/sign-*)
    Rule("sign.io", "error", "The document to sign can be read."),
    Rule("sign.credentials", "error", "The signer's key and certificate open (right password, PKCS#12 or PEM/DER)."),
    Rule("sign.password-env", "error", "The environment variable named for the key's password is set."),
    Rule("sign.cert-not-yet-valid", "error", "The signer's certificate is already valid."),
    Rule("sign.cert-expired", "error", "The signer's certificate has not expired."),
    Rule("sign.not-built", "error", "The document to sign was built by paraphe (it holds a build record)."),
    Rule("sign.draft", "error", "The document to sign is final, not a draft."),
    Rule("sign.broken-earlier", "error", "Every earlier signature still verifies."),
    Rule("sign.changed", "error", "The pages are unchanged since the build."),
    Rule("sign.document", "error", "Nothing else about the document fails verification."),
    Rule("sign.unknown", "error", "The signatory is one of the document's."),
    Rule("sign.already-signed", "error", "The signatory's field is still empty."),
    Rule("sign.wrong-person", "error", "The certificate is the signatory's own (same name)."),
    Rule("sign.output-exists", "error", "OUTPUT is new, INPUT itself, or replaced on purpose (--overwrite)."),
    Rule("sign.failed", "error", "pyHanko signs without an error."),
    Rule("sign.holder-ambiguous", "error", "The certificate names one person: a single common name."),
    Rule("sign.key-usage", "error", "The certificate's key usage allows signing documents (non-repudiation)."),
    Rule("sign.key-mismatch", "error", "The private key is the one of the certificate (a test signature verifies)."),
    Rule("sign.locked", "error", "No other `sign` is writing the same OUTPUT (waits for it, then gives up)."),
    Rule("sign.self-check", "error", "The signed document verifies before it is written."),
    # verify: what cannot be verified at all (cases in tests/cases/verify/)
    Rule("verify.io", "error", "The PDF to verify can be read."),
    Rule("verify.unreadable", "error", "The file to verify is a readable PDF."),
    Rule("verify.trust", "error", "Every --trust file is a certificate (PEM or DER)."),
    Rule("verify.crl", "error", "Every --crl file is a revocation list, given with --trust."),
    Rule("verify.too-many-revisions", "error", "The PDF has no more revisions than its signatories can make."),
    # verify: the document as built
    Rule("verify.no-record", "error", "The PDF holds paraphe's build record."),
    Rule("verify.record-changed", "error", "The build record is the one the build wrote."),
    Rule("verify.info-changed", "error", "The document information (title, author…) is the one the build wrote."),
    Rule("verify.pages-changed", "error", "The pages are those the build made."),
    Rule("verify.unsigned-update", "error", "Every update after the build is a signature."),
    Rule("verify.trailing-data", "error", "Nothing follows the last revision (the last signature covers the file)."),
    Rule("verify.old-record", "error", "The build record is of this version (its digest covers all a page shows)."),
    Rule("verify.revision-changes", "error", "Each signed revision changes only signature fields, against the build."),
    Rule("verify.not-certified", "error", "A document built to be certified holds its certification, after the build."),
    Rule("verify.wrong-certifier", "error", "The certification is made with the certificate the build recorded."),
    Rule("verify.unexpected-certification", "error", "A document built not to be certified holds no certification."),
    Rule("verify.duplicate-field", "error", "No two signature fields share a name."),
    Rule("verify.unknown-field", "error", "Every signature field is one the build made."),
    Rule("verify.missing-field", "error", "Every signatory of a final document has a signature field."),
    Rule("verify.unreadable-signature", "error", "Every filled signature field holds a signature pyHanko can read."),
    # verify: each signature (the message begins with its field's name)
    Rule("verify.malformed-signature", "error", "The signature can be validated at all."),
    Rule("verify.not-intact", "error", "The bytes the signature covers are unchanged."),
    Rule("verify.bad-value", "error", "The signature value matches its certificate."),
    Rule("verify.coverage", "error", "The signature covers its whole revision, all but its own value."),
    Rule("verify.untrusted", "error", "With --trust, the certificate leads to one of the trusted roots."),
    Rule("verify.holder-ambiguous", "error", "The certificate names one person: a single common name."),
    Rule("verify.cert-expired", "error", "The certificate has not expired."),
    Rule("verify.cert-not-yet-valid", "error", "The certificate is already valid."),
    Rule("verify.key-usage", "error", "The certificate's key usage allows signing documents (non-repudiation)."),
    Rule("verify.revoked", "error", "With --crl, the certificate is not revoked."),
    Rule("verify.revocation-unknown", "error", "With --crl, a revocation list vouches for the certificate."),
    Rule("verify.claimed-time", "error", "The signing time claimed is within the certificate's validity, not ahead."),
    Rule("verify.wrong-signer", "error", "The certificate is that of the signatory whose field it signs."),
    Rule("verify.not-a-signatory", "error", "A signature is in a signatory's field, or is the certification."),
    Rule("verify.changed-after", "error", "After the signature, only later signatures were added."),
    # verify --manifest: the document against its sources
    Rule("verify.manifest-mismatch", "error", "The PDF was built from the manifest given with --manifest."),
    Rule("verify.annex-mismatch", "error", "The annex files are those the PDF was built with."),
    # verify --complete
    Rule("verify.unsigned", "error", "With --complete, every signatory has signed."),
    Rule("verify.draft", "error", "With --complete, the document is final, not a draft."),
)
