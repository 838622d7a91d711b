"""A SoftHSM2 token set up by the tests themselves: its own configuration and token folder, a key
imported onto it with its certificate, the way a card issuer delivers one.

SoftHSM reads $SOFTHSM2_CONF once, when a process first loads it: the session fixture
(tests/conftest.py) sets it before anything does, and every test shares the one token.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

MODULES = (Path("/usr/lib/softhsm/libsofthsm2.so"), Path("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"))
TOKEN = "paraphe-test"
PIN = "4321"
SO_PIN = "87654321"


@dataclass
class SoftHsm:
    module: Path
    token: str
    pin: str
    util: str
    imported: int = 0

    def import_key(self, label: str, key_pem: Path, certificates: list[bytes]) -> None:
        """The private key at `key_pem` (PKCS#8) under `label`, with its certificate (the first of
        `certificates`, DER) under the same label and the others (its chain) beside it."""
        self.imported += 1
        key_id = f"{self.imported:04x}"
        subprocess.run(
            [self.util, "--import", str(key_pem), "--token", self.token, "--label", label, "--id", key_id,
             "--pin", self.pin],
            check=True, capture_output=True,
        )  # fmt: skip
        import pkcs11
        from asn1crypto import x509
        from pkcs11 import Attribute, CertificateType, ObjectClass

        token = pkcs11.lib(str(self.module)).get_token(token_label=self.token)
        with token.open(rw=True, user_pin=self.pin) as session:
            for index, der in enumerate(certificates):
                certificate = x509.Certificate.load(der)
                session.create_object(
                    {
                        Attribute.CLASS: ObjectClass.CERTIFICATE,
                        Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                        Attribute.TOKEN: True,
                        Attribute.LABEL: label if index == 0 else f"{label}-chain-{index}",
                        Attribute.ID: bytes.fromhex(key_id) if index == 0 else b"",
                        Attribute.SUBJECT: certificate.subject.dump(),
                        Attribute.VALUE: der,
                    }
                )


def make_softhsm(folder: Path) -> SoftHsm | None:
    """A token initialised in `folder` (None when SoftHSM2 is not installed); sets $SOFTHSM2_CONF."""
    util = shutil.which("softhsm2-util")
    module = next((m for m in MODULES if m.exists()), None)
    if util is None or module is None:
        return None
    (folder / "tokens").mkdir(parents=True, exist_ok=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [util, "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", SO_PIN],
        check=True, capture_output=True,
    )  # fmt: skip
    return SoftHsm(module, TOKEN, PIN, util)
