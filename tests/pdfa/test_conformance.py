"""ISO 19005-2 (PDF/A-2), clause by clause, on the SDSF and CTG unsigned, certified and signed.

Each test checks what one clause asks, with a reader independent of paraphe (poppler's pdffonts,
qpdf, the objects as pypdf reads them, the XMP as lxml parses it). With $PARAPHE_VERAPDF naming
a veraPDF executable, veraPDF itself checks every document too.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, StreamObject

from support.pdfa import (
    BLEND_MODES,
    FORBIDDEN_ACTIONS,
    dictionaries,
    fonts,
    is_stream,
    pdf_date,
    qpdf_check,
    xmp_items,
    xmp_tree,
    xmp_value,
)

DOCUMENTS = ["sdsf", "sdsf-certified", "sdsf-signed", "ctg-draft", "ctg", "ctg-certified", "ctg-signed"]


@pytest.fixture(params=DOCUMENTS)
def pdf(request: pytest.FixtureRequest, archived: dict[str, Path]) -> Path:
    return archived[request.param]


def test_6_1_2_header_has_binary_comment(pdf: Path) -> None:
    """6.1.2: « %PDF-1.n », then a comment of at least four bytes above 127."""
    head = pdf.read_bytes()[:64]
    assert re.match(rb"%PDF-1\.[0-7]\r?\n%[\x80-\xff]{4}", head), head


def test_6_1_3_trailer_has_id_no_encryption_nothing_after_eof(pdf: Path) -> None:
    """6.1.3: an /ID in the trailer, no /Encrypt, nothing after the last %%EOF but an end of line."""
    data = pdf.read_bytes()
    reader = PdfReader(pdf)
    assert "/ID" in reader.trailer
    assert "/Encrypt" not in reader.trailer and not reader.is_encrypted
    assert re.search(rb"%%EOF(\r\n|\r|\n)?\Z", data)


def test_6_1_file_structure_is_clean_for_qpdf(pdf: Path) -> None:
    """6.1 (file structure: 6.1.4 cross-reference, 6.1.7 streams, 6.1.8–9 objects): qpdf --check finds nothing."""
    assert qpdf_check(pdf) == ""


def test_6_2_3_output_intent_is_srgb_icc(pdf: Path) -> None:
    """6.2.3: a GTS_PDFA1 output intent whose DestOutputProfile is an ICC profile (RGB, N=3)."""
    intents = [i.get_object() for i in PdfReader(pdf).root_object.get("/OutputIntents", [])]
    pdfa = [i for i in intents if i.get("/S") == "/GTS_PDFA1"]
    assert len(pdfa) == 1, intents
    profile = pdfa[0]["/DestOutputProfile"].get_object()
    icc = profile.get_data()
    assert icc[36:40] == b"acsp", "not an ICC profile"
    assert icc[16:20] == b"RGB " and int(profile["/N"]) == 3
    # 6.2.3: all output intents with a profile share the same one
    assert len({id(i["/DestOutputProfile"].get_object()) for i in intents if "/DestOutputProfile" in i}) == 1


def test_6_2_10_transparency_uses_standard_blend_modes(pdf: Path) -> None:
    """6.2.10: transparency (allowed in 2b) with standard blend modes only, under the document's output intent."""
    reader = PdfReader(pdf)
    states = [d for d in dictionaries(reader) if "/ca" in d or "/CA" in d or "/BM" in d or "/SMask" in d]
    for state in states:
        modes = state.get("/BM", "/Normal")
        for mode in modes if isinstance(modes, list) else [modes]:
            assert mode in BLEND_MODES, state
    if any(float(s.get("/ca", 1)) < 1 or float(s.get("/CA", 1)) < 1 for s in states):
        assert "/OutputIntents" in reader.root_object  # else every page would need a /Group with /CS


def test_6_2_11_4_every_font_is_embedded(pdf: Path) -> None:
    """6.2.11.4: every font embedded (pdffonts' « emb » column), paraphe's own footers and stamps included."""
    found = fonts(pdf)
    assert found, "pdffonts lists no font"
    assert [f["line"] for f in found if f["emb"] != "yes"] == []
    assert any(f["name"].endswith("+LiberationSans") for f in found)  # the footers' own subset


def test_6_2_11_7_fonts_map_to_unicode_when_level_u_is_claimed(pdf: Path) -> None:
    """6.2.11.7.2 (levels U and A): every font has a ToUnicode map (pdffonts' « uni » column)."""
    claim = xmp_value(xmp_tree(PdfReader(pdf)), "pdfaid", "conformance")
    assert claim in {"U", "B"}
    if claim == "U":
        assert [f["line"] for f in fonts(pdf) if f["uni"] != "yes"] == []


def test_6_3_2_annotations_print_and_are_not_hidden(pdf: Path) -> None:
    """6.3.2: every annotation but a Popup has /F with Print set, and Hidden, Invisible, NoView, ToggleNoView clear."""
    for page in PdfReader(pdf).pages:
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Popup":
                continue
            flags = int(annotation.get("/F", 0))
            assert flags & 4, annotation
            assert not flags & (1 | 2 | 32 | 256), annotation


def test_6_3_3_annotations_have_normal_appearance_streams(pdf: Path) -> None:
    """6.3.3: an annotation with an area (not Popup, not Link) has /AP with only /N, a stream for a signature."""
    for page in PdfReader(pdf).pages:
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            x0, y0, x1, y1 = (float(v) for v in annotation["/Rect"])
            if annotation.get("/Subtype") in {"/Popup", "/Link"} or (x1 - x0 == 0 and y1 - y0 == 0):
                continue
            appearance = annotation["/AP"].get_object()
            assert set(appearance.keys()) == {"/N"}, appearance
            if annotation.get("/FT") == "/Sig":
                assert is_stream(appearance["/N"])


def test_6_4_1_forms_have_no_actions_and_no_need_appearances(pdf: Path) -> None:
    """6.4.1: widgets and fields hold no /A or /AA; the form does not ask for appearances (NeedAppearances)."""
    reader = PdfReader(pdf)
    form = reader.root_object.get("/AcroForm")
    if form is not None:
        assert not form.get_object().get("/NeedAppearances", False)
        assert "/XFA" not in form.get_object()  # 6.4.2
    for field in (d for d in dictionaries(reader) if d.get("/Subtype") == "/Widget" or "/FT" in d):
        assert "/A" not in field and "/AA" not in field, field


def test_6_5_no_javascript_and_no_forbidden_actions(pdf: Path) -> None:
    """6.5.1 and 6.5.2: no forbidden action, no /AA on catalog or pages, no JavaScript at all."""
    reader = PdfReader(pdf)
    assert "/AA" not in reader.root_object
    opening = reader.root_object.get("/OpenAction")  # a destination (LibreOffice's: page 1), or an allowed action
    if isinstance(opening, DictionaryObject):
        assert opening.get("/S") not in FORBIDDEN_ACTIONS
    assert "/JavaScript" not in reader.root_object.get("/Names", DictionaryObject())
    for page in reader.pages:
        assert "/AA" not in page
    for dictionary in dictionaries(reader):
        assert "/JS" not in dictionary
        if dictionary.get("/Type") == "/Action" or ("/S" in dictionary and "/JS" in dictionary):
            assert dictionary.get("/S") not in FORBIDDEN_ACTIONS, dictionary


def test_6_6_2_1_xmp_metadata_stream_is_present_and_unfiltered(pdf: Path) -> None:
    """6.6.2.1: the catalog's /Metadata, an XMP packet in UTF-8, not filtered (/Type /Metadata, /Subtype /XML)."""
    metadata = PdfReader(pdf).root_object["/Metadata"].get_object()
    assert isinstance(metadata, StreamObject)
    assert metadata["/Type"] == "/Metadata" and metadata["/Subtype"] == "/XML"
    assert "/Filter" not in metadata
    metadata.get_data().decode("utf-8")


def test_6_6_4_pdfaid_part_2_and_conformance(pdf: Path) -> None:
    """6.6.4: pdfaid:part 2 and pdfaid:conformance B (or U) in the XMP."""
    tree = xmp_tree(PdfReader(pdf))
    assert xmp_value(tree, "pdfaid", "part") == "2"
    assert xmp_value(tree, "pdfaid", "conformance") in {"B", "U"}


def test_6_6_2_xmp_says_what_the_document_information_says(pdf: Path) -> None:
    """6.6.2 (with ISO 32000-1, 14.3.3): Title, Author, Subject, Keywords, Creator, Producer, CreationDate and
    ModDate of the document information equal dc:title, dc:creator, dc:description, pdf:Keywords,
    xmp:CreatorTool, pdf:Producer, xmp:CreateDate and xmp:ModifyDate; the language is fr-FR."""
    reader = PdfReader(pdf)
    info, tree = reader.metadata or {}, xmp_tree(reader)
    assert info["/Title"] == xmp_value(tree, "dc", "title")
    assert xmp_items(tree, "dc", "creator") == [info["/Author"]]
    assert info["/Subject"] == xmp_value(tree, "dc", "description")
    assert info["/Keywords"] == xmp_value(tree, "pdf", "Keywords")
    assert info["/Creator"] == xmp_value(tree, "xmp", "CreatorTool")
    assert info.get("/Producer") == xmp_value(tree, "pdf", "Producer")
    for key, name in (("/CreationDate", "CreateDate"), ("/ModDate", "ModifyDate")):
        written = xmp_value(tree, "xmp", name)
        assert written is not None
        assert pdf_date(info[key]) == _xmp_date(written), key
    assert xmp_items(tree, "dc", "language") == ["fr-FR"]
    assert reader.root_object["/Lang"] == "fr-FR"


def _xmp_date(value: str) -> object:
    import datetime as dt

    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_verapdf_when_a_machine_has_it(pdf: Path) -> None:
    """Every clause, by veraPDF itself, where $PARAPHE_VERAPDF names it (no machine here has it)."""
    verapdf = os.environ.get("PARAPHE_VERAPDF")
    if not verapdf:
        pytest.skip("veraPDF is not installed here (set PARAPHE_VERAPDF to its executable)")
    done = subprocess.run([verapdf, "--format", "text", str(pdf)], capture_output=True, text=True, check=False)
    assert done.stdout.startswith("PASS"), done.stdout + done.stderr
