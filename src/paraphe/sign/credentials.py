"""A signer's key and certificate, from a PKCS#12 file or a PEM/DER key and certificate.

Loading fails with a located `SigningError` (the file named) rather than pyHanko's
None-or-log behaviour, so `sign` can refuse before anything is written.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys, x509
from cryptography import x509 as pyca_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from paraphe.diagnostics import Location
from paraphe.errors import SigningError


@dataclass(frozen=True)
class Credentials:
    """A loaded signer; `source` names the file(s) in messages."""

    signer: SimpleSigner
    certificate: x509.Certificate
    source: str

    @property
    def holder(self) -> str:
        """The certificate's common name (or its whole subject when it has none)."""
        name = self.certificate.subject.native
        return str(name.get("common_name") or self.certificate.subject.human_friendly)

    def check_valid_at(self, moment: dt.datetime) -> None:
        validity = self.certificate["tbs_certificate"]["validity"]
        not_before, not_after = validity["not_before"].native, validity["not_after"].native
        if moment < not_before:
            raise SigningError.at(
                Location(self.source),
                f"certificate of {self.holder} is not valid before {not_before:%Y-%m-%d}",
                "sign.cert-not-yet-valid",
            )
        if moment > not_after:
            raise SigningError.at(
                Location(self.source),
                f"certificate of {self.holder} expired on {not_after:%Y-%m-%d}",
                "sign.cert-expired",
            )


def password_from_env(variable: str | None) -> bytes | None:
    """The password held in environment variable `variable` (never on the command line)."""
    if variable is None:
        return None
    value = os.environ.get(variable)
    if value is None:
        raise SigningError.at(
            Location(f"${variable}"), f"environment variable {variable} is not set", "sign.password-env"
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
        raise SigningError.at(where, f"cannot read PKCS#12 file: {exc.strerror}", "sign.credentials") from None
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, password)
    except ValueError:
        raise SigningError.at(
            where, "cannot open PKCS#12 file: wrong password, or not a PKCS#12 file", "sign.credentials"
        ) from None
    if key is None or cert is None:
        raise SigningError.at(where, "PKCS#12 file holds no private key and certificate", "sign.credentials")
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
        raise SigningError.at(Location(str(cert_path)), f"cannot read certificate: {exc}", "sign.credentials") from None
    try:
        key = load_private_key_from_pemder(str(key_path), passphrase=password)
    except (OSError, ValueError, TypeError):
        raise SigningError.at(
            Location(str(key_path)),
            "cannot read private key: wrong or missing password, or not a PEM/DER key",
            "sign.credentials",
        ) from None
    store = SimpleCertificateStore()
    store.register_multiple(others)
    signer = SimpleSigner(signing_key=key, signing_cert=certificate, cert_registry=store)
    return Credentials(signer, certificate, f"{key_path} + {cert_path}")


def _asn1_cert(cert: pyca_x509.Certificate) -> x509.Certificate:
    return x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def same_person(name: str, holder: str) -> bool:
    """Whether a certificate's name is the signatory's: same words, any order, case and accents aside."""
    return _words(name) == _words(holder)


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return sorted(w for w in "".join(c if c.isalnum() else " " for c in plain).split() if w)
