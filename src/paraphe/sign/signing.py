"""Signing (PAdES, pyHanko): one signatory's field, or the secretariat's certification.

Every check runs before anything is written: the document must be one paraphe built
and unchanged since, its earlier signatures must verify, the field must be the
signatory's and empty, and the certificate must be valid and the signatory's own.
The signature is an incremental update, so earlier signatures stay valid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass, replace
from pathlib import Path

from asn1crypto import x509
from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign.fields import MDPPerm, SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from paraphe.diagnostics import Location
from paraphe.errors import SigningError
from paraphe.fsutil import atomic_write_bytes, exclusive_lock, read_regular_file
from paraphe.i18n import _
from paraphe.names import CERTIFICATION_FIELD
from paraphe.provenance import SignatoryRecord
from paraphe.sign.credentials import Credentials, registration_problem, same_person
from paraphe.sign.report import VerificationReport
from paraphe.sign.signature_report import paris_time
from paraphe.sign.stamp_font import EmbeddedFont
from paraphe.sign.verify import verify_bytes

log = logging.getLogger(__name__)

# How long a `sign` waits for another one signing the same OUTPUT before giving up, cleanly.
LOCK_WAIT = 120.0

STAMP_TEXT = "Signé électroniquement par\n%(person)s\n%(quality)s\nle %(date)s"


def stamp_style(image: Path | None = None) -> TextStampStyle:
    """The visible signature: who signed, as what, when, in Liberation Sans embedded in the document
    (subset), over the signer's image if given (a scanned signature, the body's stamp)."""
    font = EmbeddedFont(font_size=7)  # PDF/A wants every font embedded
    return TextStampStyle(
        stamp_text=STAMP_TEXT,
        text_box_style=TextBoxStyle(font=font, font_size=7, leading=9, text_color=(0.0, 0.2, 0.55)),
        border_width=0,
        background=_image(image) if image is not None else None,
        background_opacity=0.35 if image is not None else 0,
    )


def _image(path: Path) -> PdfContent:
    from PIL import Image, UnidentifiedImageError
    from pyhanko.pdf_utils.images import PdfImage

    try:
        with Image.open(path) as opened:
            if opened.format not in ("PNG", "JPEG"):
                raise SigningError.at(
                    Location(str(path)), _("a {format} image; give a PNG or JPEG", format=opened.format), "sign.image"
                )
            opened.load()
            return PdfImage(opened.copy())
    except (OSError, UnidentifiedImageError) as exc:
        raise SigningError.at(Location(str(path)), _("cannot open the image: {exc}", exc=exc), "sign.image") from None


# PAdES baseline levels: B-B (a signature), B-T (with a trusted timestamp), B-LT (and the validation
# data: certificates, OCSP responses, CRLs), B-LTA (and a document timestamp over all of it).
LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")
# How long the time-stamping authority and the OCSP/CRL services may take to answer.
SERVICE_TIMEOUT = 30


@dataclass(frozen=True)
class SigningOptions:
    """How a signature is made beyond the key: its PAdES level, the time-stamping authority, and
    the trusted roots its validation data is gathered along (B-LT and B-LTA)."""

    level: str = "B-B"
    timestamp_url: str | None = None
    trust_roots: tuple[x509.Certificate, ...] = ()
    image: Path | None = None  # shown under the visible signature's text

    @property
    def identity(self) -> str:
        """What the signature depends on beyond the key, to tell apart outputs made otherwise."""
        roots = ",".join(sorted(hashlib.sha256(root.dump()).hexdigest() for root in self.trust_roots))
        return f"level={self.level};timestamp={self.timestamp_url or ''};trust={roots}"

    def check(self, where: Location, *, prefix: str = "") -> None:
        """Refuse a level unknown or without what it needs; `prefix` names the options (`certify-`)."""
        if self.level not in LEVELS:
            raise SigningError.at(
                where,
                _("unknown PAdES level {level!r}; one of {names}", level=self.level, names=", ".join(LEVELS)),
                "sign.level",
            )
        if self.level != "B-B" and self.timestamp_url is None:
            raise SigningError.at(
                where,
                _(
                    "PAdES {level} needs a time-stamping authority: give --{prefix}timestamp-url",
                    level=self.level,
                    prefix=prefix,
                ),
                "sign.level",
            )
        if self.level in ("B-LT", "B-LTA") and not self.trust_roots:
            message = _(
                "PAdES {level} embeds the validation data of a chain to a trusted root: give --{prefix}trust",
                level=self.level,
                prefix=prefix,
            )
            raise SigningError.at(where, message, "sign.level")

    def apply(self, meta: PdfSignatureMetadata) -> tuple[PdfSignatureMetadata, HTTPTimeStamper | None]:
        """`meta` with the validation data asked for, and the timestamper (None for B-B)."""
        stamper = HTTPTimeStamper(self.timestamp_url, timeout=SERVICE_TIMEOUT) if self.timestamp_url else None
        if self.level in ("B-LT", "B-LTA"):
            context = ValidationContext(trust_roots=list(self.trust_roots), allow_fetching=True)
            meta = replace(
                meta, embed_validation_info=True, validation_context=context, use_pades_lta=self.level == "B-LTA"
            )
        return meta, stamper


@dataclass(frozen=True)
class SignResult:
    output: Path
    signatory: SignatoryRecord
    holder: str
    signed_at: dt.datetime
    pending: tuple[SignatoryRecord, ...]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def sign_document(
    source: Path,
    output: Path,
    signatory_id: str,
    credentials: Credentials,
    *,
    overwrite: bool = False,
    options: SigningOptions = SigningOptions(),
) -> SignResult:
    """Sign `source` in `signatory_id`'s field and write `output` atomically.

    An existing `output` other than `source` is replaced only with `overwrite`: it may hold
    signatures that `source` lacks. `output` is locked from before `source` is read until it is
    written: a second `sign` of the same file waits, then signs what the first one wrote.
    """
    with exclusive_lock(
        lock_path(output),
        str(output),
        wait=LOCK_WAIT,
        on_wait=lambda: log.warning("%s is being signed by another paraphe; waiting for it to finish", output),
        busy="another paraphe sign has been signing this file",
        rule="sign.locked",
    ):
        return _sign_locked(source, output, signatory_id, credentials, overwrite=overwrite, options=options)


def lock_path(output: Path) -> Path:
    """The lock beside OUTPUT: never the PDF itself, which an atomic write replaces with a new file."""
    return output.parent / f".{output.name}.paraphe-lock"


def _sign_locked(
    source: Path, output: Path, signatory_id: str, credentials: Credentials, *, overwrite: bool, options: SigningOptions
) -> SignResult:
    where = Location(str(source))
    options.check(where)
    data = _read(source)
    report = verify_bytes(data, str(source))
    _refuse_unless_signable(report, where)
    record = report.record
    assert record is not None  # _refuse_unless_signable checked it
    signatory = record.signatory(signatory_id)
    if signatory is None:
        known = ", ".join(s.id for s in record.signatories)
        raise SigningError.at(
            where,
            _(
                "unknown signatory {signatory_id!r}; this document's are: {known}",
                signatory_id=signatory_id,
                known=known,
            ),
            "sign.unknown",
        )
    if any(s.field == signatory_id for s in report.signatures):
        raise SigningError.at(
            where, _("the field of {signatory_id} is already signed", signatory_id=signatory_id), "sign.already-signed"
        )
    # A signatory of a final document without a field was refused above (verify.missing-field, sign.document).
    now = _now()
    credentials.check_usable(now)
    if not same_person(signatory.name, credentials.holder):
        raise SigningError.at(
            Location(credentials.source),
            _(
                "this certificate is {holder}'s, not {name}'s ({signatory_id})",
                holder=credentials.holder,
                name=signatory.name,
                signatory_id=signatory_id,
            ),
            "sign.wrong-person",
        )
    registered = registration_problem(signatory, credentials.certificate)
    if registered is not None:
        raise SigningError.at(Location(credentials.source), f"{signatory_id}: {registered}", "sign.not-registered")
    meta = PdfSignatureMetadata(
        field_name=signatory_id,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=f"Signature de {signatory.title}",
        location=record.place or None,
        name=signatory.name,
    )
    params = {
        "person": signatory.name,
        "quality": signatory.title,
        "date": f"{paris_time(now)} (heure de Paris)",
    }
    if output.exists() and not overwrite and not _same_file(output, source):
        raise SigningError.at(
            Location(str(output)),
            _("already exists and may hold other signatures; choose another OUTPUT, or sign it in place"),
            "sign.output-exists",
        )
    signed = _sign(data, meta, credentials, params, where, existing_field=True, options=options)
    _check_signed(signed, signatory_id, where)
    atomic_write_bytes(output, signed)
    pending = tuple(s for s in report.pending if s.id != signatory_id)
    return SignResult(output, signatory, credentials.holder, now, pending)


def _check_signed(signed: bytes, signatory_id: str, where: Location) -> None:
    """Verify what is about to be written: a signature `verify` rejects is never written. (Its chain was
    validated by pyHanko when gathering the validation data of B-LT and B-LTA; not again here.)"""
    after = verify_bytes(signed, where.file)
    found = [s for s in after.signatures if s.field == signatory_id]
    # Errors only: a warning (a signature on another day than the document states) is verify's to say.
    problems = [d.message for d in after.diagnostics() if d.severity == "error"]
    if not found or problems:
        details = "; ".join(problems) or _("no signature in the field of {id}", id=signatory_id)
        message = _("the signed document would not verify ({details}); nothing written", details=details)
        raise SigningError.at(where, message, "sign.self-check")


def certify_document(
    data: bytes, credentials: Credentials, name: str, options: SigningOptions = SigningOptions()
) -> bytes:
    """The secretariat's certification (DocMDP: filling in forms and signing allowed, nothing else).

    With a time-stamping authority (`options`, PAdES B-T and up) the certification carries its
    trusted time and, from B-LT, its validation data: it then still verifies once the secretariat's
    certificate has expired, as the signatures made after it do.
    """
    options.check(Location(name))
    credentials.check_usable(_now())
    meta = PdfSignatureMetadata(
        field_name=CERTIFICATION_FIELD,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=MDPPerm.FILL_FORMS,
        reason="Certification du document tel que construit",
    )
    return _sign(data, meta, credentials, {}, Location(name), existing_field=False, options=options)


def _sign(
    data: bytes,
    meta: PdfSignatureMetadata,
    credentials: Credentials,
    params: dict[str, str],
    where: Location,
    *,
    existing_field: bool,
    options: SigningOptions = SigningOptions(),
) -> bytes:
    style = stamp_style(options.image)  # a bad image or a missing font is said as such, not as pyHanko's
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        meta, stamper = options.apply(meta)
        signer = PdfSigner(
            meta,
            signer=credentials.signer,
            timestamper=stamper,
            stamp_style=style,
            new_field_spec=None if existing_field else SigFieldSpec(CERTIFICATION_FIELD),
        )
        out = signer.sign_pdf(writer, existing_fields_only=existing_field, appearance_text_params=params or None)
    except Exception as exc:  # pyHanko's SigningError, ValueError, PdfError: no shared root to catch
        raise SigningError.at(where, _("pyHanko could not sign: {exc}", exc=exc), "sign.failed") from None
    return bytes(out.getbuffer())


def _refuse_unless_signable(report: VerificationReport, where: Location) -> None:
    if report.record is None:
        raise SigningError.at(where, _("not a document built by paraphe (no build record)"), "sign.not-built")
    if report.draft:
        raise SigningError.at(
            where, _("a draft (« PROJET ») has no signature fields; build it with status: final"), "sign.draft"
        )
    broken = [s for s in report.signatures if not s.ok]
    if broken:
        details = "; ".join(d.message for s in broken for d in s.problems)
        raise SigningError.at(
            where, _("earlier signatures no longer verify ({details})", details=details), "sign.broken-earlier"
        )
    if report.content_unchanged is False:
        raise SigningError.at(where, _("the document was changed since it was built; rebuild it"), "sign.changed")
    errors = [d for d in report.problems if d.severity == "error"]
    if errors:
        raise SigningError.at(where, "; ".join(d.message for d in errors), "sign.document")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _read(source: Path) -> bytes:
    try:
        return read_regular_file(source)
    except OSError as exc:
        raise SigningError.at(
            Location(str(source)), _("cannot read: {strerror}", strerror=exc.strerror), "sign.io"
        ) from None
