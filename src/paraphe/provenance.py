"""Provenance: what a PDF was built from, recorded in it, and read back.

The build writes a `BuildRecord` into the PDF's document information: digests of
the manifest, the template and every annex file, a short fingerprint of all three
(also printed in each page's footer), who is to sign, and a digest of what the
pages show. `paraphe sign` and `paraphe verify` read it back to tell whether a
document is still the one that was built, and from which manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, cast

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject, StreamObject

from paraphe import __version__
from paraphe.fsutil import sha256_file
from paraphe.manifest.model import Convention

RECORD_KEY = "/ParapheBuild"
FINGERPRINT_LENGTH = 12


@dataclass(frozen=True)
class SignatoryRecord:
    id: str
    name: str
    title: str
    organisation: str
    certificate: str = ""  # SHA-256 of the one certificate registered for the signatory ("": any bearing the name)
    email: str = ""  # an address the certificate must carry ("": none asked)


@dataclass(frozen=True)
class AmendsRecord:
    """What an avenant amends, as its build records it: `paraphe verify` names it and checks the original."""

    number: int
    convention: str  # the id of the convention amended
    title: str
    manifest: str  # SHA-256 of the manifest of the convention as signed
    fingerprint: str  # of the signed original's build ("" when the avenant named no signed PDF)
    state: str  # SHA-256 of the manifest of the state amended (the original, or as the previous avenant left it)
    result: str  # SHA-256 of the convention's new manifest: the state the avenant leads to

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AmendsRecord:
        return cls(
            int(data["number"]), str(data["convention"]), str(data["title"]), str(data["manifest"]),
            str(data["fingerprint"]), str(data["state"]), str(data["result"]),
        )  # fmt: skip


@dataclass(frozen=True)
class BuildRecord:
    """What a document was built from; `content` is filled once the pages are final."""

    convention: str
    tool: str
    manifest: str
    template: str
    annexes: tuple[str, ...]
    signatories: tuple[SignatoryRecord, ...]
    place: str = ""
    final: bool = True  # a draft (« PROJET ») has no signature fields and is not meant to be signed
    content: str = ""
    # SHA-256 of the certificate that certifies the build ("": not to be certified). Written before
    # the certification, under every signature: cutting the certification off cannot go unseen.
    certifier: str = ""
    amends: AmendsRecord | None = None  # an avenant's: the convention it amends
    # The date the document states it is signed (« Fait à Mende, le 9 octobre 2020 »), ISO 8601;
    # "": it states none. Signatures made on another day are pointed out by `verify`.
    date: str = ""
    # It states « à la date de la dernière signature électronique » instead (date is then ""): the last
    # signature dates it, and `verify` says which day that is.
    dated_by_last_signature: bool = False

    @property
    def fingerprint(self) -> str:
        if self.amends is not None:  # an avenant is built from the conventions it names as much as from its own file
            a = self.amends
            return fingerprint(
                self.manifest, self.template, (*self.annexes, a.manifest, a.fingerprint, a.state, a.result)
            )
        return fingerprint(self.manifest, self.template, self.annexes)

    def signatory(self, signatory_id: str) -> SignatoryRecord | None:
        return next((s for s in self.signatories if s.id == signatory_id), None)

    def to_json(self) -> str:
        data = asdict(self)
        if self.amends is None:
            del data["amends"]  # a convention's record reads as before avenants existed
        if not self.dated_by_last_signature:
            del data["dated_by_last_signature"]  # likewise: a record with a day reads as before
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> BuildRecord:
        data = json.loads(text)
        return cls(
            convention=str(data["convention"]),
            tool=str(data["tool"]),
            manifest=str(data["manifest"]),
            template=str(data["template"]),
            annexes=tuple(str(a) for a in data["annexes"]),
            signatories=tuple(SignatoryRecord(**s) for s in data["signatories"]),
            place=str(data.get("place", "")),
            final=bool(data.get("final", True)),
            content=str(data.get("content", "")),
            certifier=str(data.get("certifier", "")),
            amends=AmendsRecord.from_json(data["amends"]) if data.get("amends") else None,
            date=str(data.get("date", "")),
            dated_by_last_signature=data.get("dated_by_last_signature") is True,
        )


def fingerprint(manifest: str, template: str, annexes: Iterable[str]) -> str:
    """Short, human-comparable digest of everything a document is built from."""
    joined = "\n".join([manifest, template, *annexes])
    return hashlib.sha256(joined.encode()).hexdigest()[:FINGERPRINT_LENGTH]


def annex_digests(convention: Convention) -> tuple[str, ...]:
    return tuple(sha256_file(a.file) for a in convention.annexes if a.file is not None)


def record_for(
    convention: Convention,
    template: Path,
    certifier: str = "",
    annexes: Sequence[bytes] | None = None,
    template_digest: str | None = None,
) -> BuildRecord:
    """What `convention` is built from; the manifest digest is of the very bytes it was parsed from.

    `certifier`: the SHA-256 of the certificate that will certify a final document ("" for none).
    `annexes`, the bytes of its annex files as the build read them (and inserts them): their
    digests, never a second read's, which a file replaced meanwhile would make disagree;
    `template_digest`, likewise, the digest of the template's bytes the build filled.
    """
    digests = annex_digests(convention) if annexes is None else tuple(hashlib.sha256(a).hexdigest() for a in annexes)
    return BuildRecord(
        convention=convention.id,
        tool=f"paraphe {__version__}",
        manifest=convention.source_digest,
        template=sha256_file(template) if template_digest is None else template_digest,
        annexes=digests,
        signatories=tuple(
            SignatoryRecord(s.id, s.name, s.title, s.organisation.label, s.certificate or "", s.email or "")
            for s in convention.signatories
        ),
        place=convention.signature_place,
        final=convention.is_final and convention.reading_copy is None,
        certifier=certifier if convention.is_final and convention.reading_copy is None else "",
        amends=_amends(convention),
        date=convention.signature_date.isoformat() if convention.signature_date else "",
        dated_by_last_signature=convention.dated_by_last_signature,
    )


def _amends(convention: Convention) -> AmendsRecord | None:
    a = convention.amendment
    if a is None:
        return None
    o = a.original
    return AmendsRecord(a.number, o.convention, o.title, o.manifest, o.fingerprint, a.amends, a.result)


def read_record(reader: PdfReader) -> BuildRecord | None:
    """The record of the latest revision, or None for a PDF paraphe did not build."""
    info = reader.trailer.get("/Info")
    if info is None:
        return None
    return parse_record(cast(DictionaryObject, info.get_object()).get(RECORD_KEY))


def parse_record(raw: object) -> BuildRecord | None:
    """The record held in a document information entry (any PDF library's text string)."""
    if raw is None:
        return None
    try:
        return BuildRecord.from_json(str(raw))
    except (ValueError, KeyError, TypeError):
        return None


# The version of what `content_digest` covers, recorded with it: a record of another version
# cannot be compared and is reported as such, never as « pages changed ».
CONTENT_DIGEST_VERSION = "v2"
# Nesting no document comes near (pages, resources, forms: a dozen levels); deeper is refused
# rather than half covered. Within Python's recursion limit: two frames a level.
MAX_DEPTH = 300

# What does not change what the document shows, or what signing changes legitimately. Everything
# else reachable from a page or the catalog is covered, whatever its name: an unknown key an
# attacker adds changes the digest.
PAGE_SKIP = frozenset({"/Parent", "/Annots"})
CATALOG_SKIP = frozenset(
    # The outline and the structure tree are navigation and accessibility, not what a page shows.
    {"/Type", "/Pages", "/AcroForm", "/Perms", "/DSS", "/Metadata", "/Extensions", "/Version", "/StructTreeRoot"}
    | {"/Outlines"}
)
FORM_SKIP = frozenset({"/Fields", "/SigFlags"})
SIGNATURE_WIDGET_SKIP = frozenset({"/AP", "/AS", "/V", "/P", "/Parent"})  # what signing a field fills in
ANNOTATION_SKIP = frozenset({"/P"})


class DigestError(ValueError):
    """The document cannot be digested (nested deeper than any document of ours)."""


def content_digest(reader: PdfReader) -> str:
    """Digest of everything that changes what the document shows or does when opened.

    Every page: its dictionary (geometry, resources: fonts and their glyphs, images, forms,
    graphic states, optional content) and content streams, followed through every reference;
    every annotation with its appearances and, for form widgets, their fields and values.
    The catalog's actions, names, optional content and page labels; the form's own settings.
    Signature widgets count for their place and flags only: filling one in (its value and
    appearance) is what signing does. An invisible signature widget (zero area: the
    certification's) is left out. Streams count by their stored bytes, never decoded.
    """
    pages = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages) if page.indirect_reference}
    walker = _Walker(pages)
    digest = hashlib.sha256()
    for page in reader.pages:
        digest.update(b"page")
        digest.update(walker.dictionary(page, PAGE_SKIP, depth=0))
        for annotation in cast(ArrayObject, _resolved(page.get("/Annots")) or ArrayObject()):
            annot = _resolved(annotation)
            if not isinstance(annot, DictionaryObject):
                digest.update(walker.value(annot, depth=1))
            elif _is_signature_widget(annot):
                if not _zero_area(annot):
                    digest.update(b"signature widget" + walker.dictionary(annot, SIGNATURE_WIDGET_SKIP, depth=1))
            else:
                digest.update(b"annotation" + walker.dictionary(annot, ANNOTATION_SKIP, depth=1))
    catalog = cast(DictionaryObject, reader.trailer["/Root"].get_object())
    digest.update(b"catalog" + walker.dictionary(catalog, CATALOG_SKIP, depth=0))
    form = _resolved(catalog.get("/AcroForm"))
    if isinstance(form, DictionaryObject) and any(key not in FORM_SKIP for key in form):
        # Only what a form says of itself: a form made just to hold a signature field is no change.
        digest.update(b"form" + walker.dictionary(form, FORM_SKIP, depth=0))
    return f"{CONTENT_DIGEST_VERSION}:{digest.hexdigest()}"


def _resolved(value: PdfObject | None) -> PdfObject | None:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _is_signature_widget(annot: DictionaryObject) -> bool:
    if annot.get("/FT") == "/Sig":
        return True
    parent = _resolved(annot.get("/Parent"))
    return isinstance(parent, DictionaryObject) and parent.get("/FT") == "/Sig"


def _zero_area(annot: DictionaryObject) -> bool:
    rect = _resolved(annot.get("/Rect"))
    try:
        x0, y0, x1, y1 = (float(cast(Any, _resolved(v))) for v in cast(ArrayObject, rect))
    except (TypeError, ValueError):
        return False
    return x0 == x1 or y0 == y1


class IndirectDigests:
    """The Merkle walk's handling of indirect objects, whatever library read them: each digested
    once, a cycle cut, a reference to a page digested as its number (assembly's quick reading of
    the written file shares it, so the two digests cannot drift apart here)."""

    def __init__(self, pages: dict[int, int]) -> None:
        self.pages = pages  # object number → page index
        self.done: dict[tuple[int, int], bytes] = {}
        self.open: set[tuple[int, int]] = set()

    def indirect(self, number: int, generation: int, resolved: Callable[[], bytes]) -> bytes:
        """The digest of object (`number`, `generation`); `resolved()` digests the object itself."""
        if number in self.pages:
            # A link or a destination names a page: which one, not the page again.
            return f"page {self.pages[number]}".encode()
        key = (number, generation)
        if key in self.done:
            return self.done[key]
        if key in self.open:
            return b"cycle"
        self.open.add(key)
        found = resolved()
        self.open.discard(key)
        self.done[key] = found
        return found


class _Walker(IndirectDigests):
    """A Merkle digest of PDF objects as pypdf reads them: the reference `sign` and `verify` compute."""

    def value(self, value: PdfObject | None, depth: int) -> bytes:
        if depth > MAX_DEPTH:
            raise DigestError(f"objects nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, IndirectObject):
            target = value
            return self.indirect(value.idnum, value.generation, lambda: self.value(target.get_object(), depth + 1))
        if isinstance(value, DictionaryObject):
            return self.dictionary(value, frozenset(), depth)
        if isinstance(value, ArrayObject):
            hashed = hashlib.sha256(b"[")
            for item in value:
                hashed.update(self.value(item, depth + 1))
            return hashed.digest()
        if value is None:
            return b"none"
        buffer = io.BytesIO()
        value.write_to_stream(buffer)
        return type(value).__name__.encode() + b":" + buffer.getvalue()

    def dictionary(self, value: DictionaryObject, skip: frozenset[str], depth: int) -> bytes:
        hashed = hashlib.sha256(b"<<")
        for key in sorted(k for k in value if k not in skip):
            hashed.update(key.encode() + b"=" + self.value(value.raw_get(key), depth + 1))
        if isinstance(value, StreamObject):
            # The stored bytes: what a reader decodes, without decoding it here (no bomb to defuse).
            hashed.update(b"stream" + hashlib.sha256(value._data).digest())
        return hashed.digest()
