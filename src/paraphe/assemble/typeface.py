"""Liberation Sans as PDF objects: an embedded subset for footers, glyph outlines for the watermark.

PDF/A wants every font a page uses embedded, with widths that match the font program and a
way back to Unicode: the stamps' font is a TrueType subset of printable ASCII (the footers are
ASCII), WinAnsi-encoded, with its widths and a ToUnicode map. The « PROJET » watermark is not
text at all but the letters' outlines, filled: nothing of it comes out of a text extraction.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

from fontTools.pens.basePen import BasePen
from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTFont
from pikepdf import Array, Dictionary, Name, Pdf, Stream

from paraphe.assemble.qpdf import deflated, flate_stream
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
    return _advance(font_path(bold), char)


@functools.cache
def _advance(path: Path, char: str) -> int:
    """Kept: a document's stamps and its font's widths ask for the same few hundred characters again."""
    font = _load(path)
    glyph = font.getBestCmap()[ord(char)]
    width: int = font["hmtx"][glyph][0]
    per_em: int = font["head"].unitsPerEm
    return round(width * 1000 / per_em)


def text_width(text: str, size: float, bold: bool = False) -> float:
    return sum(advance(ch, bold) for ch in text) * size / 1000


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


def embedded_font(pdf: Pdf) -> Dictionary:
    """The stamps' font as a new indirect object of `pdf` (add it once, however many pages use it)."""
    facts = _embedding(font_path(False))
    name = Name(f"/{SUBSET_TAG}+LiberationSans")
    descriptor = Dictionary(
        Type=Name.FontDescriptor,
        FontName=name,
        Flags=32,  # non-symbolic: WinAnsi codes through the Unicode cmap
        FontBBox=Array(facts.bbox),
        ItalicAngle=0,
        Ascent=facts.ascent,
        Descent=facts.descent,
        CapHeight=facts.cap_height,
        StemV=80,
        FontFile2=flate_stream(pdf, facts.deflated_program, Length1=len(facts.program)),
    )
    made: Dictionary = pdf.make_indirect(
        Dictionary(
            Type=Name.Font,
            Subtype=Name.TrueType,
            BaseFont=name,
            FirstChar=FIRST,
            LastChar=LAST,
            Widths=Array(facts.widths),
            Encoding=Name.WinAnsiEncoding,
            FontDescriptor=pdf.make_indirect(descriptor),
            ToUnicode=flate_stream(pdf, facts.deflated_to_unicode),
        )
    )
    return made


@dataclass(frozen=True)
class _Embedding:
    """What every document embeds of the font: its program cut down, metrics, widths, ToUnicode map."""

    program: bytes
    bbox: tuple[int, ...]
    ascent: int
    descent: int
    cap_height: int
    widths: tuple[int, ...]
    to_unicode: bytes
    deflated_program: bytes  # the two streams compressed once per process, not at every document's writing
    deflated_to_unicode: bytes


@functools.cache
def _embedding(path: Path) -> _Embedding:
    """Worked out once per process: each document then only makes its objects (a twentieth of the time)."""
    font = _load(path)
    scale = 1000 / font["head"].unitsPerEm
    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
    program, to_unicode = _subset(path), _to_unicode()
    return _Embedding(
        program=program,
        bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
        ascent=round(hhea.ascent * scale),
        descent=round(hhea.descent * scale),
        cap_height=round(os2.sCapHeight * scale),
        widths=tuple(_advance(path, char) if (char := winansi(c)) else 0 for c in range(FIRST, LAST + 1)),
        to_unicode=to_unicode,
        deflated_program=deflated(program),
        deflated_to_unicode=deflated(to_unicode),
    )


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


def outlined_form(pdf: Pdf, text: str) -> tuple[Stream, float]:
    """`text` in bold outlines as a new form XObject of `pdf` (add it once, draw it on every page),
    1000 units per em, and its width in those units."""
    path, width = outlined(text)
    font = _font(True)
    scale = 1000 / font["head"].unitsPerEm
    head = font["head"]
    box = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
    box[2] = round(width + box[2])
    form = flate_stream(pdf, deflated(path), Type=Name.XObject, Subtype=Name.Form, BBox=Array(box))
    return form, width


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
