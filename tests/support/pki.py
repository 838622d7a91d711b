"""A local PKI with its services (pyHanko's own testing tool, certomancer), served on 127.0.0.1.

A root, an issuing CA (valid 2020 to 2040) with its OCSP responder and CRL, a time-stamping
authority (to 2040), and one certificate per person named, valid as the caller says; every
service answers real HTTP requests on an ephemeral port of the loopback address, from a thread
started here and stopped when the `with` ends.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig, PKIArchitecture
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from werkzeug.serving import make_server

ARCH = "paraphe"
# The moment the signing tests sign (frozen), and who holds a certificate of this PKI.
SIGNING = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
# The seven signatories of the Lozère SDSF (the minimal convention has three of them), by id.
LOZERE_PEOPLE = {
    "prefete": "Valérie HATSCH",
    "president-ccss": "Philippe ROCHOUX",
    "directrice-ccss": "Ghislaine CHARBONNEL",
    "presidente-departement": "Sophie PANTEL",
    "dasen": "Alexandre FALCO",
    "directrice-msa": "Marie-Agnès GARCIA",
    "president-udaf": "Michel CAPONI",
}
# Their certificates expire long before a convention stops mattering.
SIGNER_VALIDITY = ("2026-01-01T00:00:00+0000", "2027-01-01T00:00:00+0000")


@dataclass(frozen=True)
class LocalPki:
    arch: PKIArchitecture
    config: CertomancerConfig
    folder: Path
    url: str

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/{ARCH}/tsa/tsa"

    @property
    def root_cert(self) -> Path:
        return self.cert_file("root")

    def cert_file(self, label: str) -> Path:
        path = self.folder / f"{label}.cert.pem"
        path.write_bytes(_pem(self.arch.get_cert(CertLabel(label)).dump()))
        return path

    def key_file(self, label: str) -> Path:
        return self.folder / "keys" / f"{label}.key.pem"

    def pkcs12(self, label: str, password: bytes | None = None) -> Path:
        path = self.folder / f"{label}.p12"
        path.write_bytes(self.arch.package_pkcs12(CertLabel(label), password=password))
        return path


def _pem(der: bytes) -> bytes:
    from asn1crypto import pem

    return bytes(pem.armor("CERTIFICATE", der))


def _key(path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


def _validity(start: str, end: str) -> dict[str, str]:
    return {"valid-from": start, "valid-to": end}


def pki_config(
    people: Mapping[str, str], *, signers: tuple[str, str], url: str, emails: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The certomancer configuration: `people` maps a label to the common name of its certificate,
    `signers` is the (from, to) validity of theirs, ISO 8601."""
    emails = emails or {}
    entities: dict[str, Any] = {
        "root": {"common-name": "Racine de test paraphe"},
        "ca": {"common-name": "AC de test paraphe"},
        "tsa": {"common-name": "Horodatage de test paraphe"},
        "ocsp": {"common-name": "OCSP de test paraphe"},
    }
    certs: dict[str, Any] = {
        "root": {
            "subject": "root",
            "issuer": "root",
            "validity": _validity("2000-01-01T00:00:00+0000", "2100-01-01T00:00:00+0000"),
            "profiles": [{"id": "simple-ca", "params": {"crl-repo": "root"}}],
        },
        "ca": {
            "issuer": "root",
            # pyHanko validates in the past (with proof of existence) for an expired signer, not an expired CA.
            "validity": _validity("2020-01-01T00:00:00+0000", "2040-01-01T00:00:00+0000"),
            "profiles": [{"id": "simple-ca", "params": {"max-path-len": 0, "crl-repo": "ca", "ocsp-service": "ca"}}],
        },
        "ocsp": {
            "issuer": "ca",
            "validity": _validity("2020-01-01T00:00:00+0000", "2030-01-01T00:00:00+0000"),
            "profiles": ["ocsp-responder"],
        },
        "tsa": {
            "issuer": "root",
            # The authority of the last document timestamp is judged when verifying: it outlives the rest.
            "validity": _validity("2020-01-01T00:00:00+0000", "2040-01-01T00:00:00+0000"),
            "extensions": [
                {
                    "id": "key_usage",
                    "critical": True,
                    "smart-value": {"schema": "key-usage", "params": ["digital_signature"]},
                },
                {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
                {
                    "id": "crl_distribution_points",
                    "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": ["root"]}},
                },
            ],
        },
    }
    for label, name in people.items():
        entities[label] = {"common-name": name, **({"email-address": emails[label]} if label in emails else {})}
        certs[label] = {
            "issuer": "ca",
            "validity": _validity(*signers),
            "profiles": ["digsig-commitment"],
        }
    return {
        "external-url-prefix": url,
        "keysets": {
            "keys": {"path-prefix": "keys", "keys": {label: {"path": f"{label}.key.pem"} for label in entities}}
        },
        "pki-architectures": {
            ARCH: {
                "keyset": "keys",
                "entity-defaults": {"country-name": "FR", "organization-name": "paraphe (tests)"},
                "entities": entities,
                "certs": certs,
                "services": {
                    "ocsp": {"ca": {"for-issuer": "ca", "responder-cert": "ocsp", "signing-key": "ocsp"}},
                    "crl-repo": {
                        "root": {"for-issuer": "root", "signing-key": "root", "simulated-update-schedule": "P90D"},
                        "ca": {"for-issuer": "ca", "signing-key": "ca", "simulated-update-schedule": "P30D"},
                    },
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                },
            }
        },
    }


@contextmanager
def serve_pki(
    folder: Path, people: Mapping[str, str], *, signers: tuple[str, str], emails: Mapping[str, str] | None = None
) -> Iterator[LocalPki]:
    """The PKI of `people`, its OCSP, CRL and TSA services answering on 127.0.0.1 until the block ends."""
    (folder / "keys").mkdir(parents=True, exist_ok=True)
    server = make_server("127.0.0.1", 0, lambda environ, start: [], threaded=True)
    url = f"http://127.0.0.1:{server.port}"
    raw = pki_config(people, signers=signers, url=url, emails=emails)
    for label in raw["keysets"]["keys"]["keys"]:
        _key(folder / "keys" / f"{label}.key.pem")
    config = CertomancerConfig(raw, key_search_dir=str(folder))
    arch = config.get_pki_arch(ArchLabel(ARCH))
    server.app = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)
    thread = threading.Thread(target=server.serve_forever, name="certomancer", daemon=True)
    thread.start()
    try:
        yield LocalPki(arch, config, folder, url)
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
