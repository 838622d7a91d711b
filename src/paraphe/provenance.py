"""Provenance: what a PDF was built from, recorded in it, and read back.

The build writes a `BuildRecord` into the PDF's document information: digests of
the manifest, the template and every annex file, a short fingerprint of all three
(also printed in each page's footer), who is to sign, and a digest of what the
pages show. `paraphe sign` and `paraphe verify` read it back to tell whether a
document is still the one that was built, and from which manifest.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, cast

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject, StreamObject

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

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.manifest, self.template, self.annexes)

    def signatory(self, signatory_id: str) -> SignatoryRecord | None:
        return next((s for s in self.signatories if s.id == signatory_id), None)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

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
        )


def fingerprint(manifest: str, template: str, annexes: Iterable[str]) -> str:
    """Short, human-comparable digest of everything a document is built from."""
    joined = "\n".join([manifest, template, *annexes])
    return hashlib.sha256(joined.encode()).hexdigest()[:FINGERPRINT_LENGTH]


def annex_digests(convention: Convention) -> tuple[str, ...]:
    return tuple(sha256_file(a.file) for a in convention.annexes if a.file is not None)


def record_for(convention: Convention, template: Path, annexes: Sequence[bytes] | None = None) -> BuildRecord:
    """What `convention` is built from; the manifest digest is of the very bytes it was parsed from.

    `annexes`, the bytes of its annex files as the build read them (and inserts them): their
    digests, never a second read's, which a file replaced meanwhile would make disagree.
    """
    digests = annex_digests(convention) if annexes is None else tuple(hashlib.sha256(a).hexdigest() for a in annexes)
    return BuildRecord(
        convention=convention.id,
        tool=f"paraphe {__version__}",
        manifest=convention.source_digest,
        template=sha256_file(template),
        annexes=digests,
        signatories=tuple(SignatoryRecord(s.id, s.name, s.title, s.organisation.label) for s in convention.signatories),
        place=convention.signature_place,
        final=convention.is_final,
    )


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


def content_digest(reader: PdfReader) -> str:
    """Digest of what the pages show: geometry, content streams, images and forms, annotations.

    Signature widgets are left out, so filling a signature field keeps the digest;
    anything else added or changed on a page (text, an image, a comment) changes it.
    """
    digest = hashlib.sha256()
    for page in reader.pages:
        digest.update(b"page")
        for key in ("/MediaBox", "/CropBox", "/Rotate"):
            digest.update(repr(page.get(key)).encode())
        contents = page.get_contents()
        digest.update(contents.get_data() if contents is not None else b"")
        _digest_xobjects(digest, page.get("/Resources"), depth=0)
        for annotation in cast(ArrayObject, page.get("/Annots") or ArrayObject()):
            annot = cast(DictionaryObject, annotation.get_object())
            if annot.get("/FT") == "/Sig" or _parent_is_signature(annot):
                continue
            digest.update(repr((annot.get("/Subtype"), annot.get("/Rect"), annot.get("/Contents"))).encode())
    return digest.hexdigest()


def _parent_is_signature(annot: DictionaryObject) -> bool:
    parent = annot.get("/Parent")
    return parent is not None and cast(DictionaryObject, parent.get_object()).get("/FT") == "/Sig"


def _digest_xobjects(digest: Any, resources: PdfObject | None, depth: int) -> None:
    if resources is None or depth > 4:
        return
    xobjects = cast(DictionaryObject, resources.get_object()).get("/XObject")
    if xobjects is None:
        return
    for name, reference in sorted(cast(DictionaryObject, xobjects.get_object()).items()):
        stream = reference.get_object() if isinstance(reference, IndirectObject) else reference
        if not isinstance(stream, StreamObject):
            continue
        digest.update(name.encode())
        digest.update(stream.get_data())
        _digest_xobjects(digest, stream.get(NameObject("/Resources")), depth + 1)
