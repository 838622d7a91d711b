"""The text of a signature page read by qpdf (`page_text`) gives pypdf's pieces, or leaves the page to pypdf.

Each page here is written as LibreOffice writes its own (or in a way it does not), then read both ways. Every
final document the test suite builds is also read both ways (tests/conftest.py sets PARAPHE_CHECK_TEXT).
"""

from __future__ import annotations

import io

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, Pdf, Stream
from pypdf import PdfReader

from paraphe.assemble import fields, page_text
from paraphe.assemble.layout import Fragment, fragments
from paraphe.assemble.page_text import NotCovered, page_fragments
from paraphe.assemble.qpdf import pdf_bytes

# Codes 01… as LibreOffice numbers a subset's glyphs; 0A is its space, 0B a no-break space.
LETTERS = {0x01: "V", 0x02: "a", 0x03: "l", 0x04: "é", 0x05: "r", 0x06: "i", 0x07: "e", 0x0A: " ", 0x0B: "\u00a0"}
SIMPLE_MAP = (
    "/CIDInit/ProcSet findresource begin 12 dict begin begincmap /CMapName/Adobe-Identity-UCS def\n"
    "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
    f"{len(LETTERS)} beginbfchar\n"
    + "".join(f"<{code:02X}> <{ord(text):04X}>\n" for code, text in LETTERS.items())
    + "endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end"
)
# A two-byte font: a range counted on, a range listed, a character.
WIDE_MAP = (
    "begincmap\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    "1 beginbfrange\n<0021> <0023> <0041>\nendbfrange\n"
    "1 beginbfrange\n<0030> <0031> [<004E> <1EC5>]\nendbfrange\n"
    "1 beginbfchar\n<0040> <0020>\nendbfchar\nendcmap"
)
VALERIE = "<01 02 03 04 05 06 07>"  # « Valérie »


def _page(
    content: str, *, wide_map: str = WIDE_MAP, font_change: dict[str, object] | None = None, form: bool = False
) -> Pdf:
    pdf = Pdf.new()
    font = Dictionary(
        Type=Name.Font,
        Subtype=Name.TrueType,
        BaseFont=Name("/BAAAAA+LiberationSans"),
        FirstChar=0,
        LastChar=11,
        Widths=Array([600] * 12),
        ToUnicode=pdf.make_stream(SIMPLE_MAP.encode()),
    )
    for key, value in (font_change or {}).items():
        if value is None:
            del font[f"/{key}"]
        else:
            font[f"/{key}"] = value
    wide = Dictionary(
        Type=Name.Font,
        Subtype=Name.Type0,
        BaseFont=Name("/CAAAAA+DejaVuSans"),
        Encoding=Name("/Identity-H"),
        DescendantFonts=Array([Dictionary(Type=Name.Font, Subtype=Name.CIDFontType2, DW=500)]),
        ToUnicode=pdf.make_stream(wide_map.encode()),
    )
    xobjects = Dictionary(
        Im1=Stream(pdf, b"\x00", Type=Name.XObject, Subtype=Name.Image, Width=1, Height=1, BitsPerComponent=8,
                   ColorSpace=Name.DeviceGray),
    )  # fmt: skip
    if form:
        xobjects.Fm1 = Stream(
            pdf, f"BT /F1 10 Tf 5 5 Td [{VALERIE}] TJ ET".encode(), Type=Name.XObject, Subtype=Name.Form,
            BBox=Array([0, 0, 100, 100]), Resources=Dictionary(Font=Dictionary(F1=font)),
        )  # fmt: skip
    page = Dictionary(
        Type=Name.Page,
        MediaBox=Array([0, 0, 595.3, 841.9]),
        Resources=Dictionary(Font=Dictionary(F1=font, F2=wide), XObject=xobjects),
        Contents=pdf.make_stream(content.encode()),
    )
    pdf.pages.append(pikepdf.Page(page))
    return pdf


def _reference(pdf: Pdf) -> list[Fragment]:
    return fragments(PdfReader(io.BytesIO(pdf_bytes(pdf))).pages[0])


COVERED = {
    "as LibreOffice writes a line": f"q 0 0 0 rg BT 56.8 746.589 Td /F1 10 Tf [{VALERIE}] TJ ET Q",
    "kerned": "BT 56.8 700 Td /F1 10 Tf [<01> 6 <02> -7 <0304> 3 (\\005) -2 <0607>] TJ ET",
    "each line in its own text object": (
        f"BT 60 700 Td /F1 12 Tf [{VALERIE}] TJ ET BT 60 686 Td /F1 12 Tf <0102 0A 0304> Tj ET"
    ),
    "marked content and a no-break space as LibreOffice spans it": (
        "/P <</MCID 0>> BDC q BT 60 700 Td /F1 10 Tf <0102> Tj ET Q EMC "
        "/Span <</ActualText <feff00a0>>> BDC BT 72 700 Td /F1 10 Tf <0B> Tj ET EMC"
    ),
    "scaled and moved by cm, within q … Q": (
        f"q 0.5 0 0 0.5 20 30 cm BT 100 200 Td /F1 10 Tf [{VALERIE}] TJ ET Q BT 10 10 Td /F1 8 Tf <01> Tj ET"
    ),
    "placed by Tm, TD and T*": (
        f"BT 2 0 0 2 50 600 Tm /F1 10 Tf [{VALERIE}] TJ ET BT 14 TL 50 500 TD /F1 10 Tf <01> Tj ET "
        "BT 50 400 Td T* /F1 10 Tf <02> Tj ET"
    ),
    "moved by Td from a scaled matrix": "BT 2 0 0 2 50 600 Tm 10 5 Td /F1 10 Tf <01> Tj ET",
    "a matrix within a matrix": "q 2 0 0 2 10 10 cm q 1 0 0 1 5 5 cm BT 0 0 Td /F1 10 Tf <01> Tj ET Q Q",
    "two-byte codes": "BT 60 500 Td /F2 9 Tf <0021 0022 0040 0023 0030 0031> Tj ET",
    "an image drawn": f"q 10 0 0 10 0 0 cm /Im1 Do Q BT 60 700 Td /F1 10 Tf [{VALERIE}] TJ ET",
    "the font set before the text object": f"/F1 11 Tf BT 60 700 Td [{VALERIE}] TJ ET",
    "nothing shown": "q 0.1 w 0 0 m 10 10 l S Q",
}


@pytest.mark.parametrize("content", COVERED.values(), ids=COVERED.keys())
def test_the_quick_reading_gives_pypdfs_pieces(content: str) -> None:
    pdf = _page(content)
    assert page_fragments(pdf.pages[0]) == _reference(pdf)


def test_the_pieces_are_where_the_text_is() -> None:
    pdf = _page(COVERED["scaled and moved by cm, within q … Q"])
    assert page_fragments(pdf.pages[0]) == [Fragment("Valérie", 70.0, 130.0, 5.0), Fragment("V", 10.0, 10.0, 8.0)]


NOT_COVERED = {
    "two strings shown in one text object": "BT 60 700 Td /F1 10 Tf <01> Tj 10 0 Td <02> Tj ET",
    "a gap in a TJ array": "BT 60 700 Td /F1 10 Tf [<0102> -400 <0304>] TJ ET",
    "a quote operator": "BT 60 700 Td /F1 10 Tf 12 TL (\\001) ' ET",
    "a code the map lacks": "BT 60 700 Td /F1 10 Tf <01 7F> Tj ET",
    "an odd byte under two-byte codes": "BT 60 500 Td /F2 9 Tf <002100> Tj ET",
    "a font not on the page": "BT 60 700 Td /F9 10 Tf <01> Tj ET",
    "text shown before any font": "BT 60 700 Td <01> Tj ET",
    "a text object never ended": "BT 60 700 Td /F1 10 Tf <01> Tj",
    "a matrix changed within a text object": "BT 60 700 Td /F1 10 Tf 2 0 0 2 0 0 cm <01> Tj ET",
    "more restores than saves": "Q BT 60 700 Td /F1 10 Tf <01> Tj ET",
    "a form drawn": "/Fm1 Do",
}


@pytest.mark.parametrize("content", NOT_COVERED.values(), ids=NOT_COVERED.keys())
def test_what_it_does_not_cover_is_left_to_pypdf(content: str) -> None:
    pdf = _page(content, form=True)
    with pytest.raises(NotCovered):
        page_fragments(pdf.pages[0])


FONTS = {
    "a simple font with an encoding of its own": {"Encoding": Name.WinAnsiEncoding},
    "a font without a ToUnicode map": {"ToUnicode": None},
    "a Type3 font": {"Subtype": Name.Type3},
}


@pytest.mark.parametrize("change", FONTS.values(), ids=FONTS.keys())
def test_a_font_it_does_not_cover_is_left_to_pypdf(change: dict[str, object]) -> None:
    pdf = _page(f"BT 60 700 Td /F1 10 Tf [{VALERIE}] TJ ET", font_change=change)
    with pytest.raises(NotCovered):
        page_fragments(pdf.pages[0])


@pytest.mark.parametrize(
    "cmap",
    [
        "begincmap /Foo usecmap 1 beginbfchar <0021> <0041> endbfchar endcmap",  # another map it builds on
        "begincmap 1 begincodespacerange <00> <FF> endcodespacerange endcmap",  # codes of one byte, not two
        "begincmap 1 beginbfrange <0021> <0022> <00660069> endbfrange endcmap",  # a range of ligatures
        "begincmap 1 beginbfchar <0021> <0041> <0022> endbfchar endcmap",  # a code without its text
        "begincmap 1 beginbfchar <0021> <001F> endbfchar endcmap",  # a control character
        "begincmap 1 beginbfchar <0021> <041> endbfchar endcmap",  # an odd number of digits
        pytest.param("begincmap " + "1 beginbfchar <0021> <0041> endbfchar " * 60_000 + "endcmap", id="huge"),
        "begincmap 1 beginbfrange <0000> <0100> <D7FF> endbfrange endcmap",  # counted on into the surrogates
        "begincmap 1 beginbfrange <0000> <0100> <DBFFDF00> endbfrange endcmap",  # counted on past U+10FFFF
    ],
)
def test_a_map_it_does_not_read_is_left_to_pypdf(cmap: str) -> None:
    pdf = _page("BT 60 500 Td /F2 9 Tf <0021> Tj ET", wide_map=cmap)
    with pytest.raises(NotCovered):
        page_fragments(pdf.pages[0])


def test_a_reading_that_differs_from_pypdfs_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check the tests run on every final document stops a quick reading that puts a name elsewhere."""
    pdf = _page(COVERED["as LibreOffice writes a line"])
    moved = [Fragment("Valérie", 56.8, 740.0, 10.0)]
    monkeypatch.setattr(fields, "page_fragments", lambda page: moved)
    monkeypatch.setenv(page_text.CHECK_VARIABLE, "1")
    with pytest.raises(AssertionError, match="differ from pypdf"):
        fields._signature_text(pdf, range(1))
    monkeypatch.setenv(page_text.CHECK_VARIABLE, "0")
    assert fields._signature_text(pdf, range(1))[0] == {0: moved}
