"""Throwaway certificates for demonstrations and tests — never for a real signature.

A root and one certificate per person, every name marked « DÉMONSTRATION », so a
newcomer can follow the whole path (build, sign by every signatory, verify) and the
tests can sign with a PKI of their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

MARK = "DÉMONSTRATION – ne vaut pas signature"


@dataclass(frozen=True)
class Issued:
    """One person's throwaway certificate on disk."""

    name: str
    pkcs12: Path
    key: Path
    cert: Path


@dataclass(frozen=True)
class ThrowawayPki:
    root_cert: Path
    root_key: ec.EllipticCurvePrivateKey
    root: x509.Certificate

    def issue(
        self,
        name: str,
        folder: Path,
        *,
        password: bytes | None = None,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        stem: str | None = None,
        non_repudiation: bool = True,
        common_names: tuple[str, ...] = (),
    ) -> Issued:
        """A signing certificate for `name`, saved as PKCS#12 and as PEM key + certificate.

        For tests of what must be refused: `non_repudiation=False` makes a certificate not meant
        for signing documents; `common_names` puts several common names in its subject.
        """
        key = ec.generate_private_key(ec.SECP256R1())
        start = not_before or self.root.not_valid_before_utc
        end = not_after or self.root.not_valid_after_utc
        subject = x509.Name(
            [
                *(x509.NameAttribute(NameOID.COMMON_NAME, n) for n in common_names or (name,)),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, MARK),
            ]
        )
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.root.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(True, non_repudiation, False, False, False, False, False, False, False), critical=True
            )
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .sign(self.root_key, hashes.SHA256())
        )
        folder.mkdir(parents=True, exist_ok=True)
        stem = stem or _slug(name)
        encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
        p12 = folder / f"{stem}.p12"
        p12.write_bytes(pkcs12.serialize_key_and_certificates(stem.encode(), key, cert, [self.root], encryption))
        key_path, cert_path = folder / f"{stem}.key.pem", folder / f"{stem}.cert.pem"
        key_path.write_bytes(
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
        )
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return Issued(name, p12, key_path, cert_path)

    def revocation_list(self, revoked: list[Path], path: Path, *, now: dt.datetime) -> Path:
        """A CRL of this root revoking the certificates at `revoked` (PEM files), valid for a week from `now`."""
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.root.subject)
            .last_update(now - dt.timedelta(hours=1))
            .next_update(now + dt.timedelta(days=7))
        )
        for cert_path in revoked:
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(cert.serial_number)
                .revocation_date(now - dt.timedelta(minutes=30))
                .build()
            )
        path.write_bytes(builder.sign(self.root_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))
        return path


def make_root(
    folder: Path, *, not_before: dt.datetime, not_after: dt.datetime, name: str = "Autorité de DÉMONSTRATION paraphe"
) -> ThrowawayPki:
    """A self-signed root named `name`, saved as `root.cert.pem` in `folder`."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, MARK),
        ]
    )
    root = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "root.cert.pem"
    path.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    return ThrowawayPki(path, key, root)


def _slug(name: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in plain).split())
