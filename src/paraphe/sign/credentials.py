"""A signer's key and certificate: a PKCS#12 file, a PEM/DER key and certificate, or a key on a
smart card or token (PKCS#11) whose private half never leaves it.

Loading fails with a located `SigningError` (the file or token named) rather than pyHanko's
None-or-log behaviour, so `sign` can refuse before anything is written.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import keys, x509
from cryptography import x509 as pyca_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
from pyhanko.sign.signers import Signer, SimpleSigner
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator.errors import InvalidCertificateError
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator

from paraphe.diagnostics import Location
from paraphe.errors import SigningError
from paraphe.i18n import _
from paraphe.provenance import SignatoryRecord


@dataclass(frozen=True)
class Credentials:
    """A loaded signer; `source` names the file(s) or the token in messages; `close` ends what the
    signer holds open (a token's session)."""

    signer: Signer
    certificate: x509.Certificate
    source: str
    close: Callable[[], None] = field(default=lambda: None, compare=False)

    @property
    def holder(self) -> str:
        """The certificate's one common name (or its whole subject when it has none)."""
        try:
            return certificate_holder(self.certificate)
        except ValueError:
            return str(self.certificate.subject.human_friendly)

    def check_usable(self, moment: dt.datetime) -> None:
        """Refuse, before anything is written, what `verify` would reject or what cannot sign at all."""
        where = Location(self.source)
        try:
            certificate_holder(self.certificate)
        except ValueError as exc:
            raise SigningError.at(where, str(exc), "sign.holder-ambiguous") from None
        self.check_valid_at(moment)
        usage = key_usage_problem(self.certificate)
        if usage is not None:
            raise SigningError.at(
                where, _("certificate of {holder} {usage}", holder=self.holder, usage=usage), "sign.key-usage"
            )
        if not key_matches_certificate(self.signer, self.certificate):
            raise SigningError.at(
                where,
                _(
                    "the private key is not the one of the certificate of {holder}: its signature could "
                    "not be verified by anyone",
                    holder=self.holder,
                ),
                "sign.key-mismatch",
            )

    def check_valid_at(self, moment: dt.datetime) -> None:
        validity = self.certificate["tbs_certificate"]["validity"]
        not_before, not_after = validity["not_before"].native, validity["not_after"].native
        if moment < not_before:
            raise SigningError.at(
                Location(self.source),
                _(
                    "certificate of {holder} is not valid before {not_before:%Y-%m-%d}",
                    holder=self.holder,
                    not_before=not_before,
                ),
                "sign.cert-not-yet-valid",
            )
        if moment > not_after:
            raise SigningError.at(
                Location(self.source),
                _("certificate of {holder} expired on {not_after:%Y-%m-%d}", holder=self.holder, not_after=not_after),
                "sign.cert-expired",
            )


def password_from_env(variable: str | None) -> bytes | None:
    """The password held in environment variable `variable` (never on the command line)."""
    if variable is None:
        return None
    value = os.environ.get(variable)
    if value is None:
        raise SigningError.at(
            Location(f"${variable}"),
            _("environment variable {variable} is not set", variable=variable),
            "sign.password-env",
        )
    return value.encode()


def load_credentials(
    *, pkcs12: Path | None = None, key: Path | None = None, cert: Path | None = None, password_env: str | None = None
) -> Credentials:
    """A signer from a PKCS#12 file, or from a key with its certificate; the password read from `password_env`."""
    password = password_from_env(password_env)
    if pkcs12 is not None:
        return load_pkcs12(pkcs12, password)
    if key is None or cert is None:
        raise ValueError("credentials need a PKCS#12 file, or a key with its certificate")
    return load_pem(key, cert, password)


def load_pkcs12(path: Path, password: bytes | None) -> Credentials:
    where = Location(str(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningError.at(
            where, _("cannot read PKCS#12 file: {strerror}", strerror=exc.strerror), "sign.credentials"
        ) from None
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, password)
    except ValueError:
        raise SigningError.at(
            where, _("cannot open PKCS#12 file: wrong password, or not a PKCS#12 file"), "sign.credentials"
        ) from None
    if key is None or cert is None:
        raise SigningError.at(where, _("PKCS#12 file holds no private key and certificate"), "sign.credentials")
    certificate = _asn1_cert(cert)
    store = SimpleCertificateStore()
    store.register_multiple([_asn1_cert(c) for c in others])
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = SimpleSigner(signing_key=keys.PrivateKeyInfo.load(der_key), signing_cert=certificate, cert_registry=store)
    return Credentials(signer, certificate, str(path))


def load_pem(key_path: Path, cert_path: Path, password: bytes | None, chain: tuple[Path, ...] = ()) -> Credentials:
    try:
        certificate = load_cert_from_pemder(str(cert_path))
        others = [load_cert_from_pemder(str(p)) for p in chain]
    except (OSError, ValueError) as exc:
        raise SigningError.at(
            Location(str(cert_path)), _("cannot read certificate: {exc}", exc=exc), "sign.credentials"
        ) from None
    try:
        key = load_private_key_from_pemder(str(key_path), passphrase=password)
    except (OSError, ValueError, TypeError):
        raise SigningError.at(
            Location(str(key_path)),
            _("cannot read private key: wrong or missing password, or not a PEM/DER key"),
            "sign.credentials",
        ) from None
    store = SimpleCertificateStore()
    store.register_multiple(others)
    signer = SimpleSigner(signing_key=key, signing_cert=certificate, cert_registry=store)
    return Credentials(signer, certificate, f"{key_path} + {cert_path}")


def _asn1_cert(cert: pyca_x509.Certificate) -> x509.Certificate:
    return x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


# What `verify` asks of a signer's certificate (pyHanko's default for document signatures): one
# check, shared, so `sign` never makes a signature `verify` rejects.
SIGNING_KEY_USAGE = KeyUsageConstraints(key_usage={"non_repudiation"})
_KEY_CHECK = b"paraphe: does this key belong to this certificate?"


def common_names(certificate: x509.Certificate) -> list[str]:
    """Every common name in the certificate's subject, in order."""
    return [
        str(attribute["value"].native)
        for rdn in certificate.subject.chosen
        for attribute in rdn
        if attribute["type"].native == "common_name"
    ]


def certificate_holder(certificate: x509.Certificate) -> str:
    """The one common name of a certificate (its whole subject when it has none).

    Several common names (« Michel » and « CAPONI ») name nobody in particular: ValueError.
    """
    names = common_names(certificate)
    if len(names) > 1:
        shown = "; ".join(f"« {n} »" for n in names)
        raise ValueError(f"the certificate names {len(names)} common names ({shown}), not one person")
    return str(names[0]) if names else certificate.subject.human_friendly


def key_usage_problem(certificate: x509.Certificate) -> str | None:
    """Why the certificate may not sign documents (its key usage), or None."""
    try:
        SIGNING_KEY_USAGE.validate(certificate)
    except InvalidCertificateError:
        usages = certificate.key_usage_value.native if certificate.key_usage_value is not None else []
        allowed = ", ".join(sorted(usages)) or _("none stated")
        return _(
            "is not for signing documents: its key usage lacks non-repudiation (it allows: {allowed})", allowed=allowed
        )
    return None


def key_matches_certificate(signer: Signer, certificate: x509.Certificate) -> bool:
    """Whether the signer's key makes signatures the certificate's public key verifies.

    A signature made and checked, rather than keys compared: the same test holds for a key on
    a smart card or behind a signing service, whose private half cannot be read.
    """
    try:
        mechanism = signer.get_signature_mechanism_for_digest("sha256")
        signature = asyncio.run(signer.async_sign_raw(_KEY_CHECK, "sha256"))
        DefaultSignatureValidator().validate_signature(signature, _KEY_CHECK, certificate.public_key, mechanism)
    except Exception:  # InvalidSignature, or a key of another kind than the certificate's
        return False
    return True


def registration_problem(signatory: SignatoryRecord, certificate: x509.Certificate) -> str | None:
    """Why `certificate` is not the one the manifest registered for `signatory` (its SHA-256, an
    e-mail address it must carry), or None. A homonym's certificate bears the same name: only
    what is registered tells them apart."""
    fingerprint = hashlib.sha256(certificate.dump()).hexdigest()
    if signatory.certificate and fingerprint != signatory.certificate:
        return _(
            "its certificate (SHA-256 {fingerprint}…) is not the one registered for {id} "
            "in the manifest ({registered}…): another certificate, or a homonym's",
            fingerprint=fingerprint[:16],
            id=signatory.id,
            registered=signatory.certificate[:16],
        )
    if signatory.email and signatory.email.lower() not in certificate_emails(certificate):
        return _(
            "its certificate does not carry {email}, the address registered for {id}",
            email=signatory.email,
            id=signatory.id,
        )
    return None


def certificate_emails(certificate: x509.Certificate) -> set[str]:
    """The e-mail addresses a certificate carries: in its subject and its alternative names."""
    found = {
        str(attribute["value"].native).lower()
        for rdn in certificate.subject.chosen
        for attribute in rdn
        if attribute["type"].native == "email_address"
    }
    alternative = certificate.subject_alt_name_value
    if alternative is not None:
        found |= {str(name.native).lower() for name in alternative if name.name == "rfc822_name"}
    return found


def same_person(name: str, holder: str) -> bool:
    """Whether a certificate's name is the signatory's: same words, any order, case and accents aside,
    as French civil status writes a name (« FAURE Bruno » is « Bruno FAURE », « Hélène » is « HELENE »)."""
    return _words(name) == _words(holder)


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return sorted(w for w in "".join(c if c.isalnum() else " " for c in plain).split() if w)
