"""PDF/A-2 (ISO 19005-2) through assembly: what the finished file claims, and only what it can.

LibreOffice exports the body as PDF/A-2b (`SelectPdfVersion=2`): fonts embedded, an sRGB output
intent, XMP metadata. Assembly replaces the XMP with one that says what the document is (title,
subject, authors, language, dates equal to the document information's), gives the sRGB output
intent the packaged profile, and claims PDF/A-2 only when the body claimed it and every annex is
PDF/A itself: level U when every font maps to Unicode, else B. Never a false claim: without
one, the XMP has no `pdfaid`.

The XMP is written with pyHanko's own serialiser: signing (pyHanko) rereads and rewrites it,
and `verify` compares the two versions, so both must be written the same way.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pikepdf import Array, Dictionary, Name, Pdf, PdfError, Stream, String
from pyhanko.pdf_utils.metadata import model as xmp
from pyhanko.pdf_utils.metadata.xmp_xml import parse_xmp, serialise_xmp
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, StreamObject

from paraphe.assemble.qpdf import deflated, flate_stream
from paraphe.i18n import _

PART = "2"
LANGUAGE = "fr-FR"
# sRGB profiles from Debian packages (icc-profiles-free, colord-data), in place of LibreOffice's.
SRGB_PROFILES = (Path("/usr/share/color/icc/sRGB.icc"), Path("/usr/share/color/icc/colord/sRGB.icc"))
SRGB = "sRGB IEC61966-2.1"
_PDFAID = xmp.NS["pdfaid"]
# The Adobe PDF schema's « Keywords » (pyHanko's own constant is spelt « keywords », no such property).
_PDF_KEYWORDS = xmp.ExpandedName(xmp.NS["pdf"], "Keywords")
_SIMPLE_ENCODINGS = {"/WinAnsiEncoding", "/MacRomanEncoding", "/StandardEncoding"}


@dataclass(frozen=True)
class DocumentInfo:
    """What the document information and the XMP both say; one source, so they agree."""

    title: str
    subject: str
    author: str
    keywords: str
    creator: str
    date: dt.datetime  # creation and modification: the manifest's, so the same inputs give the same bytes


def _xmp_fields(metadata: bytes) -> dict[xmp.ExpandedName, xmp.XmpValue]:
    try:
        roots = parse_xmp(io.BytesIO(metadata))
    except Exception:  # noqa: BLE001 - unreadable metadata claims nothing
        return {}
    return {name: value for root in roots for name, value in root}


def pdfa_claim(root: DictionaryObject) -> tuple[str, str] | None:
    """(part, conformance) as a document's XMP claims them, e.g. ("2", "B"); None without a claim."""
    metadata = root.get("/Metadata")
    if metadata is None or not isinstance(metadata.get_object(), StreamObject):
        return None
    return _claim(_xmp_fields(metadata.get_object().get_data()))


def body_pdfa_claim(pdf: Pdf) -> tuple[str, str] | None:
    """`pdfa_claim` of a document qpdf holds (the converted body, before assembly changes its XMP)."""
    metadata = pdf.Root.get("/Metadata")
    if not isinstance(metadata, Stream):
        return None
    try:
        data = metadata.read_bytes()
    except PdfError:  # unreadable metadata claims nothing
        return None
    return _claim(_xmp_fields(data))


def _claim(fields: dict[xmp.ExpandedName, xmp.XmpValue]) -> tuple[str, str] | None:
    part = fields.get(xmp.ExpandedName(_PDFAID, "part"))
    conformance = fields.get(xmp.ExpandedName(_PDFAID, "conformance"))
    if part is None or not isinstance(part.value, str):
        return None
    level = conformance.value if conformance is not None and isinstance(conformance.value, str) else ""
    return part.value.strip(), level.strip().upper()


def annex_not_archival(annex: PdfReader) -> str | None:
    """Why an annex's pages would break the document's PDF/A claim, or None when it is PDF/A itself."""
    claim = pdfa_claim(annex.root_object)
    if claim is None or claim[0] not in {"1", "2", "3"}:
        return _("is not PDF/A (its metadata claims no PDF/A conformance)")
    for intent in _output_intents(annex.root_object):
        profile = intent.get("/DestOutputProfile")
        if profile is not None and int(profile.get_object().get("/N", 3)) != 3:
            return _("is PDF/A for a printing (CMYK) condition, not the screen's sRGB the document is made for")
    return None


def _output_intents(root: DictionaryObject) -> list[DictionaryObject]:
    intents = root.get("/OutputIntents")
    if intents is None:
        return []
    return [i.get_object() for i in intents.get_object() if isinstance(i.get_object(), DictionaryObject)]


def ensure_output_intent(pdf: Pdf) -> bool:
    """The PDF/A output intent with the packaged sRGB profile; False when there is none to claim with.

    LibreOffice embeds an sRGB profile it makes at export time, dated: its bytes change with
    every build. The packaged profile (Debian's icc-profiles-free) takes its place, so the same
    inputs give the same bytes; without the package, LibreOffice's stays.
    """
    intents = pdf.Root.get("/OutputIntents")
    found = [i for i in intents if isinstance(i, Dictionary)] if isinstance(intents, Array) else []
    existing = [i for i in found if i.get("/S") == Name.GTS_PDFA1 and "/DestOutputProfile" in i]
    profile = next((p for p in SRGB_PROFILES if p.is_file()), None)
    if profile is None:
        return bool(existing)
    stream = flate_stream(pdf, deflated(profile.read_bytes()), N=3)
    if existing:
        existing[0].DestOutputProfile = stream
        existing[0].OutputConditionIdentifier = String(SRGB)
        return True
    intent = Dictionary(
        Type=Name.OutputIntent,
        S=Name.GTS_PDFA1,
        OutputConditionIdentifier=String(SRGB),
        Info=String(SRGB),
        DestOutputProfile=stream,
    )
    pdf.Root.OutputIntents = Array([pdf.make_indirect(intent)])
    return True


def _fonts(resources: object, seen: set[tuple[int, int]]) -> Iterator[Dictionary]:
    """Every font a resource dictionary uses, in its form XObjects too (each visited once)."""
    if not isinstance(resources, Dictionary):
        return
    if resources.is_indirect:
        if resources.objgen in seen:
            return
        seen.add(resources.objgen)
    fonts = resources.get("/Font")
    for font in fonts.values() if isinstance(fonts, Dictionary) else ():
        if isinstance(font, Dictionary):
            yield font
    xobjects = resources.get("/XObject")
    for inner in xobjects.values() if isinstance(xobjects, Dictionary) else ():
        if isinstance(inner, Stream) and inner.get("/Subtype") == Name.Form and "/Resources" in inner:
            if inner.objgen not in seen:
                seen.add(inner.objgen)
                yield from _fonts(inner.Resources, seen)


def maps_to_unicode(pdf: Pdf) -> bool:
    """Every font on every page says which Unicode characters its codes are (PDF/A-2u, 6.2.11.7.2)."""
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for font in _fonts(page.obj.get("/Resources"), seen):
            encoding = font.get("/Encoding")
            simple = str(font.get("/Subtype")) in {"/Type1", "/TrueType"} and str(encoding) in _SIMPLE_ENCODINGS
            if "/ToUnicode" not in font and not simple:
                return False
    return True


def _date(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("D:%Y%m%d%H%M%SZ")


def _alternative(text: str) -> xmp.XmpValue:
    default = xmp.Qualifiers.of((xmp.XML_LANG, xmp.XmpValue("x-default")))
    return xmp.XmpValue(xmp.XmpArray.alternative([xmp.XmpValue(text, default)]))


def xmp_packet(info: DocumentInfo, claim: tuple[str, str] | None) -> bytes:
    """The XMP packet: PDF/A identification (with a claim), the dc, pdf and xmp properties of `info`."""
    when = info.date.astimezone(dt.UTC).isoformat()
    fields: dict[xmp.ExpandedName, xmp.XmpValue] = {}
    if claim is not None:
        fields[xmp.ExpandedName(_PDFAID, "part")] = xmp.XmpValue(claim[0])
        fields[xmp.ExpandedName(_PDFAID, "conformance")] = xmp.XmpValue(claim[1])
    fields[xmp.DC_TITLE] = _alternative(info.title)
    fields[xmp.DC_DESCRIPTION] = _alternative(info.subject)
    fields[xmp.DC_CREATOR] = xmp.XmpValue(xmp.XmpArray.ordered([xmp.XmpValue(info.author)]))
    fields[xmp.ExpandedName(xmp.NS["dc"], "language")] = xmp.XmpValue(xmp.XmpArray.unordered([xmp.XmpValue(LANGUAGE)]))
    fields[_PDF_KEYWORDS] = xmp.XmpValue(info.keywords)
    fields[xmp.XMP_CREATORTOOL] = xmp.XmpValue(info.creator)
    fields[xmp.XMP_CREATEDATE] = xmp.XmpValue(when)
    fields[xmp.XMP_MODDATE] = xmp.XmpValue(when)
    out = io.BytesIO()
    serialise_xmp([xmp.XmpStructure(fields)], out)
    return out.getvalue()


def write_metadata(pdf: Pdf, info: DocumentInfo, claim: tuple[str, str] | None) -> None:
    """The document information and the XMP, saying the same; the language; the title in the window.

    No producer is written: pyHanko names itself in both when it signs (and only then could
    they disagree, its XMP naming it alone).
    """
    docinfo = pdf.docinfo
    for key, value in (
        ("/Title", info.title),
        ("/Subject", info.subject),
        ("/Author", info.author),
        ("/Keywords", info.keywords),
        ("/Creator", info.creator),
        ("/CreationDate", _date(info.date)),
        ("/ModDate", _date(info.date)),
    ):
        docinfo[key] = String(value)
    if "/Producer" in docinfo:
        del docinfo["/Producer"]
    # In the place of LibreOffice's packet, which is dated at export. Never compressed: PDF/A wants
    # the XMP readable as it is (6.6.2.1), and the writer leaves /Metadata streams as they are.
    root = pdf.Root
    root.Metadata = Stream(pdf, xmp_packet(info, claim), Type=Name.Metadata, Subtype=Name.XML)
    root.Lang = String(LANGUAGE)
    preferences = root.get("/ViewerPreferences")
    viewer = Dictionary({k: v for k, v in preferences.items()}) if isinstance(preferences, Dictionary) else Dictionary()
    viewer.DisplayDocTitle = True
    root.ViewerPreferences = viewer
