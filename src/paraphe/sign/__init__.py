"""PAdES signing and verification (pyHanko): sign a signatory's field, certify a build, verify a PDF."""

from paraphe.sign.credentials import Credentials, load_credentials, load_pem, load_pkcs12, password_from_env
from paraphe.sign.remote import load_csc
from paraphe.sign.report import VerificationReport
from paraphe.sign.signature_report import SignatureReport
from paraphe.sign.signing import LEVELS, SigningOptions, SignResult, certify_document, sign_document
from paraphe.sign.smartcard import load_pkcs11
from paraphe.sign.verify import load_trust_roots, verify_pdf

__all__ = [
    "LEVELS",
    "Credentials",
    "SigningOptions",
    "SignResult",
    "SignatureReport",
    "VerificationReport",
    "certify_document",
    "load_credentials",
    "load_csc",
    "load_pem",
    "load_pkcs11",
    "load_pkcs12",
    "password_from_env",
    "load_trust_roots",
    "sign_document",
    "verify_pdf",
]
