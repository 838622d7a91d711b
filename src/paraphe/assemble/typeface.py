"""Liberation Sans as PDF objects: an embedded subset for footers, glyph outlines for the watermark.

PDF/A wants every font a page uses embedded, with widths that match the font program and a
way back to Unicode: the stamps' font is a TrueType subset of printable ASCII (the footers are
ASCII), WinAnsi-encoded, with its widths and a ToUnicode map. The « PROJET » watermark is not
text at all but the letters' outlines, filled: nothing of it comes out of a text extraction.
"""

from __future__ import annotations

import functools
import io
import weakref
from pathlib import Path
from typing import Any

from fontTools.pens.basePen import BasePen
from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTFont
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)

from paraphe.fonts import font_path

FIRST, LAST = 32, 255  # WinAnsi from the space on: the footers' ASCII and a reading copy's « é », « ° », « – »


def winansi(code: int) -> str | None:
    """The character WinAnsi (cp1252) puts at `code`, None where it puts none (DEL, 0x81…)."""
    if code == 0x7F:
        return None
    try:
        return bytes([code]).decode("cp1252")
    except UnicodeDecodeError:
        return None


def _codes() -> list[tuple[int, str]]:
    return [(code, char) for code in range(FIRST, LAST + 1) if (char := winansi(code)) is not None]


# A subset's name starts with six capitals and « + » (ISO 32000-1, 9.6.4); fixed, so builds repeat.
SUBSET_TAG = "PRPHAA"


def _font(bold: bool) -> TTFont:
    return _load(font_path(bold))  # the path is looked up each time: a font removed is an error, not a cache hit


@functools.cache
def _load(path: Path) -> TTFont:
    return TTFont(path, lazy=False)


def advance(char: str, bold: bool = False) -> int:
    """A character's advance width, in thousandths of the font size."""
    font = _font(bold)
    glyph = font.getBestCmap()[ord(char)]
    width: int = font["hmtx"][glyph][0]
    per_em: int = font["head"].unitsPerEm
    return round(width * 1000 / per_em)


def text_width(text: str, size: float, bold: bool = False) -> float:
    return sum(advance(ch, bold) for ch in text) * size / 1000


def _subset_program() -> bytes:
    return _subset(font_path(False))


@functools.cache
def _subset(path: Path) -> bytes:
    """The regular face cut down to printable ASCII, without hinting: a few kilobytes."""
    font = TTFont(path, recalcTimestamp=False)  # the same bytes every build
    options = Options()
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: nothing a reader needs
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=[ord(char) for _code, char in _codes()])
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _to_unicode() -> bytes:
    """Each WinAnsi code to its character: how text extraction and screen readers read the stamps."""
    pairs = [f"<{code:02X}> <{ord(char):04X}>" for code, char in _codes()]
    blocks = b"".join(
        f"{len(chunk)} beginbfchar\n{chr(10).join(chunk)}\nendbfchar\n".encode()
        for chunk in (pairs[i : i + 100] for i in range(0, len(pairs), 100))  # at most 100 per block
    )
    return (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        b"1 begincodespacerange <00> <FF> endcodespacerange\n"
        + blocks
        + b"endcmap CMapName currentdict /CMap defineresource pop end end\n"
    )


def _stream(writer: PdfWriter, data: bytes, **entries: Any) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    compressed: StreamObject = stream.flate_encode()
    compressed.update({NameObject(f"/{k}"): v for k, v in entries.items()})
    return writer._add_object(compressed)


_EMBEDDED: weakref.WeakKeyDictionary[PdfWriter, IndirectObject] = weakref.WeakKeyDictionary()
_OUTLINED: weakref.WeakKeyDictionary[PdfWriter, dict[str, tuple[IndirectObject, float]]] = weakref.WeakKeyDictionary()


def embedded_font(writer: PdfWriter) -> IndirectObject:
    """The stamps' font in `writer`, added once however many pages use it."""
    found = _EMBEDDED.get(writer)
    if found is not None:
        return found
    font = _font(False)
    scale = 1000 / font["head"].unitsPerEm
    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
    name = NameObject(f"/{SUBSET_TAG}+LiberationSans")
    program = _subset_program()
    descriptor = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/FontDescriptor"),
            NameObject("/FontName"): name,
            NameObject("/Flags"): NumberObject(32),  # non-symbolic: WinAnsi codes through the Unicode cmap
            NameObject("/FontBBox"): ArrayObject(
                [NumberObject(round(v * scale)) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
            ),
            NameObject("/ItalicAngle"): NumberObject(0),
            NameObject("/Ascent"): NumberObject(round(hhea.ascent * scale)),
            NameObject("/Descent"): NumberObject(round(hhea.descent * scale)),
            NameObject("/CapHeight"): NumberObject(round(os2.sCapHeight * scale)),
            NameObject("/StemV"): NumberObject(80),
            NameObject("/FontFile2"): _stream(writer, program, Length1=NumberObject(len(program))),
        }
    )
    reference = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/TrueType"),
                NameObject("/BaseFont"): name,
                NameObject("/FirstChar"): NumberObject(FIRST),
                NameObject("/LastChar"): NumberObject(LAST),
                NameObject("/Widths"): ArrayObject(
                    [NumberObject(advance(char) if (char := winansi(c)) else 0) for c in range(FIRST, LAST + 1)]
                ),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                NameObject("/FontDescriptor"): writer._add_object(descriptor),
                NameObject("/ToUnicode"): _stream(writer, _to_unicode()),
            }
        )
    )
    _EMBEDDED[writer] = reference
    return reference


class _PdfPathPen(BasePen):  # type: ignore[misc]  # fontTools is untyped
    """Glyph outlines as PDF path operators (quadratic curves become cubic ones, exactly)."""

    def __init__(self, dx: float) -> None:
        super().__init__(None)
        self.dx = dx
        self.ops: list[str] = []

    def _point(self, point: tuple[float, float]) -> str:
        return f"{point[0] + self.dx:g} {point[1]:g}"

    def _moveTo(self, point: tuple[float, float]) -> None:  # noqa: N802  (fontTools' names)
        self.ops.append(f"{self._point(point)} m")

    def _lineTo(self, point: tuple[float, float]) -> None:  # noqa: N802
        self.ops.append(f"{self._point(point)} l")

    def _curveToOne(self, p1: tuple[float, float], p2: tuple[float, float], p3: tuple[float, float]) -> None:  # noqa: N802
        # Cubic control points from quadratic ones are thirds: keep two decimals.
        points = " ".join(f"{x + self.dx:.2f} {y:.2f}" for x, y in (p1, p2, p3))
        self.ops.append(f"{points} c")

    def _closePath(self) -> None:  # noqa: N802
        self.ops.append("h")


def outlined_form(writer: PdfWriter, text: str) -> tuple[IndirectObject, float]:
    """`text` in bold outlines as a form XObject of `writer` (added once, drawn on every page), 1000
    units per em, and its width in those units."""
    forms = _OUTLINED.setdefault(writer, {})
    if text not in forms:
        path, width = outlined(text)
        font = _font(True)
        scale = 1000 / font["head"].unitsPerEm
        head = font["head"]
        box = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
        box[2] = round(width + box[2])
        form = _stream(
            writer,
            path,
            Type=NameObject("/XObject"),
            Subtype=NameObject("/Form"),
            BBox=ArrayObject([NumberObject(v) for v in box]),
        )
        forms[text] = (form, width)
    return forms[text]


@functools.cache
def outlined(text: str, bold: bool = True) -> tuple[bytes, float]:
    """`text` as filled outlines in font units (1000 per em), and its width in the same units."""
    font = _font(bold)
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    per_em = font["head"].unitsPerEm
    x = 0.0
    ops: list[str] = []
    for char in text:
        name = cmap[ord(char)]
        pen = _PdfPathPen(x)
        glyphs[name].draw(pen)
        ops.extend(pen.ops)
        x += font["hmtx"][name][0]
    scale = 1000 / per_em
    path = f"{scale:g} 0 0 {scale:g} 0 0 cm " + " ".join(ops) + " f"
    return path.encode(), x * scale
