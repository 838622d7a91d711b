"""The document's own checks, beside its signatures: revision 0 is the reference.

The build's own revision (revision 0, which every signature covers) is the reference: its
record says what was built, by whom it was to be certified and what the pages showed; every
later revision is reviewed against it, signatures included, and nothing may follow the last
revision that pyHanko reads. Here: how many revisions a document may hold, how its file ends,
what each signed revision changed against the build, whether the certification the record
announces is there, whether the document information and XMP metadata are still the build's,
and the record as the build wrote it. These look at the file and its revisions; what one
signer did is signature_check.py's, and verify.py puts both together.

Longer than our 350-line mark by a few dozen lines: every check here compares a later revision
with revision 0 through the same reader and diff policy; split, each part would reopen them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    CatalogModificationRule,
    ModificationLevel,
    StandardDiffPolicy,
    SuspiciousModification,
)
from pyhanko.sign.diff_analysis.constants import ACROFORM_EXEMPT_STRICT_COMPARISON, ROOT_EXEMPT_STRICT_COMPARISON
from pyhanko.sign.diff_analysis.form_rules_api import FormUpdatingRule
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

from paraphe.diagnostics import Location
from paraphe.errors import SigningError
from paraphe.i18n import N_, _
from paraphe.provenance import RECORD_KEY, BuildRecord, parse_record
from paraphe.sign.signature_report import SignatureReport

# Filling in and signing the fields the build made is what a signature allows after it.
ALLOWED_AFTER_SIGNING = ModificationLevel.FORM_FILLING
MODIFICATION_WORDS = {
    ModificationLevel.NONE: N_("nothing"),
    ModificationLevel.LTA_UPDATES: N_("validation data only"),
    ModificationLevel.FORM_FILLING: N_("later signatures only"),
    ModificationLevel.ANNOTATIONS: N_("annotations added"),
    ModificationLevel.OTHER: N_("content changed"),
}
# The build, its certification, one signature per signatory, and room for what long-term
# validation adds (a timestamp and validation data per signature): far beyond any convention,
# far below what makes the difference analysis slow (9 000 revisions took 43 s).
MAX_REVISIONS = 200
_TAIL = re.compile(rb"startxref\s+(\d+)\s*%%EOF(\r\n|\r|\n)?\Z")


def revision_budget(record: BuildRecord) -> int:
    """The revisions a document may hold: the build, its certification, and per signature room for
    the signature, its validation data and a document timestamp (long-term validation)."""
    return min(MAX_REVISIONS, 2 + 4 * (len(record.signatories) + 1))


def refuse_too_many_revisions(count: int, where: Location, limit: int = MAX_REVISIONS) -> None:
    # Before any analysis: each revision costs pyHanko a comparison per signature before it.
    if count > limit:
        raise SigningError.at(
            where,
            _(
                "{count} revisions: more than the {limit} this document can need; not verified",
                count=count,
                limit=limit,
            ),
            "verify.too-many-revisions",
        )


def refuse_unfinished_update(data: bytes, where: Location) -> None:
    """Bytes after the last `%%EOF`: an update some readers apply and others ignore, or cannot read.

    Before parsing, as pyHanko may read past them (or fail on them): whatever it makes of them,
    what poppler or qpdf would show is not what verify would check.
    """
    marker = data.rfind(b"%%EOF")
    if marker < 0 or _TAIL.search(data[-256:]) is not None:
        return  # no marker at all: not a PDF, which parsing says
    end = marker + 5
    end += len(re.match(rb"(\r\n|\r|\n)?", data[end:]).group(0))  # type: ignore[union-attr]
    raise SigningError.at(
        where,
        _(
            "{count} byte(s) after the last end-of-file marker: an update that is not a complete "
            "revision, which other PDF readers may show; not verified",
            count=len(data) - end,
        ),
        "verify.trailing-data",
    )


def end_of_file(data: bytes, reader: PdfFileReader, embedded: Sequence[EmbeddedPdfSignature]) -> list[tuple[str, str]]:
    """Whether the file ends where the last revision pyHanko reads ends.

    Readers disagree about bytes after it: pyHanko and pypdf read the last complete revision,
    poppler and qpdf may read an update without its `%%EOF`, or recover loose objects. Whatever
    verify does not read, it cannot vouch for: nothing may follow.
    """
    last = reader.xrefs.total_revisions - 1
    signed_last = [sig for sig in embedded if sig.signed_revision == last]
    if signed_last:
        byte_range = signed_last[0].byte_range
        end = int(byte_range[-2]) + int(byte_range[-1])
        what = _("the end of the last signature ({field_name})", field_name=signed_last[0].field_name)
    else:
        marker = data.rfind(b"%%EOF")
        end = marker + 5 if marker >= 0 else 0
        end += len(re.match(rb"(\r\n|\r|\n)?", data[end:]).group(0))  # type: ignore[union-attr]
        what = _("the last end-of-file marker")
    if end < len(data):
        return [
            (
                _(
                    "{count} byte(s) after {what}: an update no signature covers, which other PDF readers may show",
                    count=len(data) - end,
                    what=what,
                ),
                "verify.trailing-data",
            )
        ]
    tail = _TAIL.search(data[-256:])
    if tail is None or int(tail.group(1)) != reader.xrefs.get_startxref_for_revision(last):
        return [
            (
                _(
                    "the file's last cross-reference pointer is not the one of its last revision: readers "
                    "may disagree on what the document is"
                ),
                "verify.trailing-data",
            )
        ]
    return []


def unsigned_updates(
    reader: PdfFileReader, embedded: Sequence[EmbeddedPdfSignature], revisions: int
) -> list[tuple[str, str]]:
    """Every revision after the build's must be a signature or long-term validation data: anything
    else (an object, an action, a field, an appearance) changed the document, whatever the pages
    look like.

    Validation data (PAdES B-LT, B-LTA) is what pyHanko's difference analysis classes as such
    against the revision just before: a /DSS with its /VRI, a document timestamp. A revision that
    calls itself one and changes anything more is an unsigned update like any other.
    """
    signatures = {sig.signed_revision for sig in embedded if not is_document_timestamp(sig)}
    unsigned = []
    for revision in range(1, revisions):
        if revision in signatures:
            continue
        if not _validation_data_only(reader, revision):
            unsigned.append(revision)
    if not unsigned:
        return []
    shown = ", ".join(str(r + 1) for r in unsigned[:10]) + (", …" if len(unsigned) > 10 else "")
    return [
        (
            _(
                "{count} update(s) appended after the build are neither signatures nor validation data "
                "(revision {shown} of {revisions}): the document was changed",
                count=len(unsigned),
                shown=shown,
                revisions=revisions,
            ),
            "verify.unsigned-update",
        )
    ]


def _validation_data_only(reader: PdfFileReader, revision: int) -> bool:
    """Whether `revision` adds validation data or a document timestamp, and nothing else, to the one before it."""
    if not _adds_validation_data(reader, revision):
        return False  # an update that adds nothing of the kind is no validation data, however harmless
    try:
        result = DEFAULT_DIFF_POLICY.apply(
            reader.get_historical_resolver(revision - 1), reader.get_historical_resolver(revision)
        )
    except Exception:  # SuspiciousModification, or a revision the analysis cannot read
        return False
    if result.modification_level > ModificationLevel.LTA_UPDATES or _fields_changed(result, reader, revision):
        return False
    # The difference analysis leaves the document information and the XMP metadata aside.
    before, after = _info(reader, revision - 1), _info(reader, revision)
    kept = {key for key in before.keys() | after.keys() if key not in _WRITER_VOLATILE}
    same_info = all(before.get(key) == after.get(key) for key in kept)
    return same_info and _xmp(reader, revision - 1) == _xmp(reader, revision)


def _adds_validation_data(reader: PdfFileReader, revision: int) -> bool:
    """A document timestamp signs this revision, or the revision writes the catalog's /DSS dictionary."""
    if any(sig.signed_revision == revision for sig in reader.embedded_timestamp_signatures):
        return True
    root = reader.get_historical_resolver(revision).root
    dss = root.raw_get("/DSS") if "/DSS" in root else None
    return isinstance(dss, generic.IndirectObject) and dss.reference in reader.xrefs.explicit_refs_in_revision(revision)


def _fields_changed(result: object, reader: PdfFileReader, revision: int) -> bool:
    """Form fields the revision changed, other than the document timestamp it adds."""
    changed = set(getattr(result, "changed_form_fields", ()))
    added = {sig.field_name for sig in reader.embedded_timestamp_signatures if sig.signed_revision == revision}
    return bool(changed - added)


def is_document_timestamp(sig: EmbeddedPdfSignature) -> bool:
    """A document timestamp (PAdES B-LTA): a time-stamping authority's token over the document, no signer."""
    return sig.sig_object_type == "/DocTimeStamp"


def _review_policy(*, certified: bool) -> StandardDiffPolicy:
    """pyHanko's policy, for comparisons with the unsigned build that pyHanko itself never makes.

    The first signature sets the form's /SigFlags, and a certification adds /Perms to the catalog:
    pyHanko compares only revisions after a signature, where both are already there. Compared
    with the build, every later revision shows them; that they stay as signed is each signature's
    own analysis (verify.changed-after).
    """
    default_form_rule = DEFAULT_DIFF_POLICY.form_rule
    assert default_form_rule is not None
    catalog_keys = ROOT_EXEMPT_STRICT_COMPARISON | ({"/Perms"} if certified else set())
    return StandardDiffPolicy(
        global_rules=[
            CatalogModificationRule(ignored_keys=catalog_keys),
            *(rule for rule in DEFAULT_DIFF_POLICY.global_rules if not isinstance(rule, CatalogModificationRule)),
        ],
        form_rule=FormUpdatingRule(
            field_rules=default_form_rule.field_rules,
            ignored_acroform_keys=ACROFORM_EXEMPT_STRICT_COMPARISON | {"/SigFlags"},
        ),
    )


_REVIEW = {certified: _review_policy(certified=certified) for certified in (False, True)}


def review_revisions(reader: PdfFileReader, embedded: Sequence[EmbeddedPdfSignature], revisions: int) -> list[str]:
    """Every signed revision against the build's (revision 0): only signature fields filled in.

    A signature covers its own revision: whatever its signer changed there is signed, not
    allowed. The difference analysis after each signature does not look at that revision;
    this does, for the first signer too, certified document or not.
    """
    base = reader.get_historical_resolver(0)
    signed_in = {sig.signed_revision: sig.field_name for sig in embedded if not is_document_timestamp(sig)}
    policy = _REVIEW[bool(embedded) and certifies(embedded[0])]
    # Document timestamps add their own fields; that they change nothing else is unsigned_updates'.
    filled: set[str] = {sig.field_name for sig in embedded if is_document_timestamp(sig)}
    messages = []
    for revision in range(1, revisions):
        field_name = signed_in.get(revision)
        if field_name is None:
            continue  # validation data, or an unsigned update reported as such (verify.unsigned-update)
        filled.add(field_name)
        what = _(
            "revision {number} of {revisions} ({field_name}'s signature)",
            number=revision + 1,
            revisions=revisions,
            field_name=field_name,
        )
        try:
            result = policy.apply(base, reader.get_historical_resolver(revision))
        except SuspiciousModification:
            messages.append(f"{what} changes the document beyond its signature field: objects were added or replaced")
            continue
        except Exception as exc:  # a revision the analysis cannot read is no better
            messages.append(f"{what} cannot be compared with the build ({exc})")
            continue
        level = result.modification_level
        if level > ALLOWED_AFTER_SIGNING:
            messages.append(
                _(
                    "{what} changes the document beyond its signature field: {changes}",
                    what=what,
                    changes=_(MODIFICATION_WORDS[level]),
                )
            )
        changed = sorted(result.changed_form_fields - filled)
        if changed:
            messages.append(f"{what} changes form field(s) other than signatures filled in: {', '.join(changed)}")
    return messages


def certification_problems(
    record: BuildRecord, signatures: Sequence[SignatureReport], embedded: Sequence[EmbeddedPdfSignature]
) -> list[tuple[str, str]]:
    """The certification the record announces, made with the certificate it names, right after the build."""
    certification = signatures[0] if signatures and signatures[0].certification else None
    if record.certifier and record.final:
        if certification is None or embedded[0].signed_revision != 1:
            return [
                (
                    _(
                        "built to be certified by the secretariat, but the certification is missing: it was "
                        "cut off or replaced"
                    ),
                    "verify.not-certified",
                )
            ]
        if certification.fingerprint != record.certifier:
            return [
                (
                    _(
                        "{field}: certified with the certificate of {holder}, not the one the build recorded",
                        field=certification.field,
                        holder=certification.holder,
                    ),
                    "verify.wrong-certifier",
                )
            ]
    elif certification is not None:
        return [
            (
                _(
                    "{field}: a certification the build did not make (it was built not to be certified)",
                    field=certification.field,
                ),
                "verify.unexpected-certification",
            )
        ]
    return []


# What any incremental update by pyHanko rewrites in the document information.
_WRITER_VOLATILE = frozenset({"/Producer", "/ModDate"})
# What signing rewrites in the document information; the record has its own check.
_INFO_VOLATILE = _WRITER_VOLATILE | {RECORD_KEY}


def _info(reader: PdfFileReader, revision: int) -> dict[str, str]:
    resolver = reader.get_historical_resolver(revision)
    info = resolver.trailer_view.raw_get("/Info") if "/Info" in resolver.trailer_view else None
    if isinstance(info, generic.IndirectObject):
        info = resolver(info.reference)
    if not isinstance(info, generic.DictionaryObject):
        return {}
    return {str(key): str(info.raw_get(key)) for key in info}


def changed_information(reader: PdfFileReader, revisions: int) -> list[str]:
    """Entries of the document information (title, author, subject…) that differ from the build's,
    and the XMP metadata when it says more than its first version did."""
    built, latest = _info(reader, 0), _info(reader, revisions - 1)
    changed = sorted(
        k for k in built.keys() | latest.keys() if k not in _INFO_VOLATILE and built.get(k) != latest.get(k)
    )
    versions = [_xmp(reader, revision) for revision in range(revisions)]
    first = next((v for v in versions if v is not None), None)
    if first is not None and versions[-1] != first:
        changed.append("XMP metadata")
    return changed


# Signing rewrites the XMP packet's modification date and producer (pyHanko's, added when the
# build wrote none, so that the document information and the XMP name the same producer); nothing else.
_XMP_VOLATILE = re.compile(rb'\s(?:xmp:ModifyDate|xmp:MetadataDate|pdf:Producer)="[^"]*"')


def _xmp(reader: PdfFileReader, revision: int) -> bytes | None:
    """The catalog's XMP packet at `revision`, its volatile values blanked (None without one)."""
    resolver = reader.get_historical_resolver(revision)
    root = resolver.root
    metadata = root.raw_get("/Metadata") if "/Metadata" in root else None
    if isinstance(metadata, generic.IndirectObject):
        metadata = resolver(metadata.reference)
    if not isinstance(metadata, generic.StreamObject):
        return None
    return _XMP_VOLATILE.sub(b"", metadata.data)


def build_revision_record(reader: PdfFileReader) -> BuildRecord | None:
    """The record as the build wrote it: in the file's first revision, which every signature covers."""
    resolver = reader.get_historical_resolver(0)
    info = resolver.trailer_view.raw_get("/Info") if "/Info" in resolver.trailer_view else None
    if isinstance(info, generic.IndirectObject):
        info = resolver(info.reference)
    if not isinstance(info, generic.DictionaryObject):
        return None
    return parse_record(info.get(RECORD_KEY))


def certifies(sig: EmbeddedPdfSignature) -> bool:
    """A certification signature: DocMDP permissions in its /Reference (its field's name proves nothing)."""
    try:
        return sig.docmdp_level is not None
    except Exception:  # a malformed /Reference is not a certification
        return False
