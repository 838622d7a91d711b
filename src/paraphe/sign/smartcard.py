"""A key on a smart card or token (PKCS#11), as French public signatories hold theirs.

The private key never leaves the token: pyHanko asks it to sign. The PIN is given by the caller
(the command line reads it from an environment variable or prompts for it, never from its
arguments); the certificate is read from the token, under the key's label unless told otherwise,
with every other certificate the token holds (its chain).
"""

from __future__ import annotations

from pathlib import Path

from paraphe.diagnostics import Location
from paraphe.errors import SigningError
from paraphe.i18n import _
from paraphe.sign.credentials import Credentials


def load_pkcs11(module: Path, token: str, key: str, pin: str, *, cert: str | None = None) -> Credentials:
    """The signer of key `key` on the token labelled `token`, opened through the PKCS#11 `module`."""
    from pkcs11 import exceptions as p11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.general import SigningError as PyHankoSigningError
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    where = Location(f"pkcs11:{token}/{key}")
    try:
        session = open_pkcs11_session(str(module), token_criteria=TokenCriteria(label=token), user_pin=pin)
    except (p11.PinIncorrect, p11.PinLenRange, p11.PinInvalid):
        raise SigningError.at(where, _("wrong PIN for this token"), "sign.token-pin") from None
    except p11.PinLocked:
        raise SigningError.at(where, _("the token's PIN is locked"), "sign.token-pin") from None
    except p11.PKCS11Error as exc:  # among them pyHanko's « no token matching »
        detail = str(exc) or type(exc).__name__
        raise SigningError.at(
            where,
            _("cannot open token {token!r} through {module}: {detail}", token=token, module=module, detail=detail),
            "sign.token",
        ) from None
    except (OSError, RuntimeError) as exc:  # not a PKCS#11 module (python-pkcs11's errors are RuntimeErrors too)
        raise SigningError.at(
            Location(str(module)), _("cannot load PKCS#11 module: {exc}", exc=exc), "sign.token"
        ) from None
    # The digest is computed here and the token signs it (CKM_ECDSA, CKM_RSA_PKCS): what every card
    # supports, where the combined mechanisms (CKM_ECDSA_SHA256…) are often missing, SoftHSM2's among them.
    signer = PKCS11Signer(
        session, key_label=key, cert_label=cert or key, other_certs_to_pull=None, use_raw_mechanism=True
    )
    try:
        certificate = signer.signing_cert
    except (p11.PKCS11Error, PyHankoSigningError) as exc:
        session.close()
        message = _("no key and certificate labelled {key!r} on token {token!r} ({exc})", key=key, token=token, exc=exc)
        raise SigningError.at(where, message, "sign.token") from None
    return Credentials(signer, certificate, where.file, close=session.close)
