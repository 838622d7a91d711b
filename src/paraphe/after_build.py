"""After the build: the signatories sign the written PDF, anyone verifies it, the secretariat asks
where each convention stands. pyHanko takes most of a second to import: each verb imports the
signing stage itself, so that a build without certification never pays for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from paraphe.avenant import load_document as load_convention
from paraphe.diagnostics import Location

if TYPE_CHECKING:
    from paraphe.manifest.model import Convention
    from paraphe.sign import Credentials, SigningOptions, SignResult, VerificationReport
    from paraphe.status import ConventionStatus


def load_credentials(
    *, pkcs12: Path | None = None, key: Path | None = None, cert: Path | None = None, password_env: str | None = None
) -> Credentials:
    """A signer's key and certificate: a PKCS#12 file, or a key with its certificate."""
    from paraphe.sign import load_credentials

    return load_credentials(pkcs12=pkcs12, key=key, cert=cert, password_env=password_env)


def load_remote_credentials(url: str, credential: str, *, token: str | None, pin: str | None) -> Credentials:
    """A signer's key held by a remote signing service (Cloud Signature Consortium API)."""
    from paraphe.sign import load_csc

    return load_csc(url, credential, token=token, pin=pin)


def load_token_credentials(module: Path, token: str, key: str, pin: str) -> Credentials:
    """A signer's key on a smart card or token (PKCS#11), its certificate read from the token."""
    from paraphe.sign import load_pkcs11

    return load_pkcs11(module, token, key, pin)


def signing_options(
    level: str = "B-B", timestamp_url: str | None = None, trust: Sequence[Path] = (), *, prefix: str = ""
) -> SigningOptions:
    """A signature's PAdES level with what it needs (a time-stamping authority, trusted roots),
    checked before anything is signed or built; `prefix` names the options in messages (`certify-`)."""
    from paraphe.sign import SigningOptions, load_trust_roots

    options = SigningOptions(level, timestamp_url, tuple(load_trust_roots(trust)))
    options.check(Location(f"--{prefix}level"), prefix=prefix)
    return options


def sign(
    source: Path,
    output: Path,
    signatory_id: str,
    credentials: Credentials,
    *,
    overwrite: bool = False,
    level: str = "B-B",
    timestamp_url: str | None = None,
    trust: Sequence[Path] = (),
    image: Path | None = None,
) -> SignResult:
    """One signatory signs `source`; `output` is written only if every check passes."""
    from paraphe.sign import SigningOptions, load_trust_roots, sign_document

    try:
        options = SigningOptions(level, timestamp_url, tuple(load_trust_roots(trust)), image)
        return sign_document(source, output, signatory_id, credentials, overwrite=overwrite, options=options)
    finally:
        credentials.close()  # a token's session, a signing service's authorisation


def verify(
    pdf: Path,
    manifest: Path | None = None,
    trust: Sequence[Path] = (),
    crls: Sequence[Path] = (),
    original: Path | None = None,
    at: dt.datetime | None = None,
) -> VerificationReport:
    """Verify a PDF's signatures and build record; with `manifest`, that it was built from it; with
    `original`, for an avenant, that this is the signed convention it amends, fully signed; `at`:
    as on that date rather than now."""
    from paraphe.sign import verify_pdf

    convention = None if manifest is None else load_convention(manifest)
    return verify_pdf(pdf, trust=trust, crls=crls, convention=convention, original=original, at=at)


def convention_status(paths: Sequence[Path], out: Path) -> list[ConventionStatus]:
    """Each manifest's kind, draft or final, build, and its built PDF and signed copies verified."""
    from paraphe.status import status

    def verify_copy(pdf: Path, convention: Convention | None) -> VerificationReport:
        from paraphe.sign import verify_pdf

        return verify_pdf(pdf, convention=convention)

    return status(paths, out, verify_copy)
