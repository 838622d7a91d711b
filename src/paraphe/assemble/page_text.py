"""The text pieces of a converted page, read by qpdf, in a fraction of pypdf's time, for the pages LibreOffice writes.

`layout.fragments` (pypdf's text extraction) is the reference: it finds the signatories' names on the signature
page, and took a fifth of a final SDSF's assembly. This reading gives the same pieces, at the same places, for
what it covers:
- each text object (BT … ET) shows one string or array, placed before it by Td, TD, Tm or T*;
- each font says, through a ToUnicode map of bfchar and bfrange entries, what every code shown is, with one-byte
  codes (a simple font without /Encoding), or two-byte codes (a Type0 font under Identity-H);
- a TJ offset is kerning, never the width of a space (pypdf would read a space there).
On anything else (a form XObject drawn, text written another way, a code its map lacks) it gives up
(`NotCovered`) and pypdf's reading decides. `PARAPHE_CHECK_TEXT=1` reads each page both ways and stops on
any difference (the tests set it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

from paraphe.assemble.layout import Fragment, fragment

CHECK_VARIABLE = "PARAPHE_CHECK_TEXT"
_OPERATORS = "q Q cm BT ET Tf Td TD Tm T* TL Tj TJ ' \" Do"
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
# pypdf reads a space where a TJ offset moves the pen back by about half a space's width (100 thousandths of
# an em at the least); LibreOffice's kerning is a few thousandths. Past this, pypdf decides.
_KERNING = 30
# A ToUnicode map of all 65 536 two-byte codes, one entry each, takes some 1.5 MB; past that, pypdf reads it.
_LARGEST_MAP = 2_000_000
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_SECTION = re.compile(rb"begin(codespacerange|bfchar|bfrange)(.*?)end\1", re.DOTALL)
_RANGE_ENTRY = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])")


class NotCovered(Exception):
    """The page holds something this reading does not read exactly as pypdf does."""


@dataclass
class _State:
    """What the content stream has set so far (pypdf's text extractor keeps the same)."""

    cm: tuple[float, ...] = _IDENTITY
    font: dict[int, str] | None = None
    width: int = 1  # bytes per code of the font
    size: float = 0.0
    leading: float = 0.0
    saved: list[tuple[tuple[float, ...], dict[int, str] | None, int, float, float]] = field(default_factory=list)
    tm: list[float] | None = None  # within a text object only
    shown: bool = False  # whether the text object has shown its text


def page_fragments(page: pikepdf.Page) -> list[Fragment]:
    """`layout.fragments` of `page`, as pypdf would give them; NotCovered where this reading cannot say."""
    resources = page.obj.get("/Resources")
    fonts = resources.get("/Font") if isinstance(resources, Dictionary) else None
    xobjects = resources.get("/XObject") if isinstance(resources, Dictionary) else None
    maps: dict[str, tuple[dict[int, str], int]] = {}
    state = _State()
    pieces: list[Fragment] = []
    try:
        instructions = pikepdf.parse_content_stream(page, _OPERATORS)
    except pikepdf.PdfError:
        raise NotCovered from None
    for instruction in instructions:
        if not isinstance(instruction, pikepdf.ContentStreamInstruction):
            raise NotCovered  # an inline image
        operands, operator = list(instruction.operands), str(instruction.operator)
        if operator in ("Tj", "TJ"):
            text, tm = _shown(state, operator, operands)
            if text.strip():
                pieces.append(fragment(text, state.cm, tm, state.size))
        elif operator == "Tf":
            if state.shown or len(operands) != 2 or not isinstance(operands[0], Name):
                raise NotCovered
            name = str(operands[0])
            if name not in maps:
                maps[name] = _unicode_map(fonts.get(name) if isinstance(fonts, Dictionary) else None)
            (state.font, state.width), state.size = maps[name], _number(operands[1])
        elif operator == "Do":
            target = xobjects.get(str(operands[0])) if isinstance(xobjects, Dictionary) and operands else None
            if state.tm is not None or not isinstance(target, Stream) or target.get("/Subtype") != Name.Image:
                raise NotCovered  # a form's text, read by pypdf within the page's
        else:
            _state_change(state, operator, operands)
    if state.tm is not None:
        raise NotCovered
    return pieces


def _state_change(state: _State, operator: str, operands: Sequence[object]) -> None:
    if operator == "q":
        state.saved.append((state.cm, state.font, state.width, state.size, state.leading))
    elif operator == "Q":
        if not state.saved:
            raise NotCovered
        state.cm, state.font, state.width, state.size, state.leading = state.saved.pop()
    elif operator == "cm":
        if state.tm is not None:
            raise NotCovered
        state.cm = _multiply(_numbers(operands, 6), state.cm)
    elif operator == "BT":
        if state.tm is not None:
            raise NotCovered
        state.tm, state.shown = list(_IDENTITY), False
    elif operator == "ET":
        if state.tm is None:
            raise NotCovered
        state.tm = None
    elif operator == "TL":
        (state.leading,) = _numbers(operands, 1)
    else:
        _placed(state, operator, operands)


def _placed(state: _State, operator: str, operands: Sequence[object]) -> None:
    """Td, TD, Tm, T*: the text matrix moved as pypdf moves it (the same arithmetic, so the same floats)."""
    tm = state.tm
    if tm is None or state.shown or operator not in ("Td", "TD", "Tm", "T*"):
        raise NotCovered  # placed after the text shown, or a way of showing text left to pypdf (' and ")
    if operator == "Tm":
        state.tm = list(_numbers(operands, 6))
        return
    if operator == "T*":
        tm[4] -= state.leading * tm[2]
        tm[5] -= state.leading * tm[3]
        return
    tx, ty = _numbers(operands, 2)
    if operator == "TD":
        state.leading = -ty
    tm[4] += tx * tm[0] + ty * tm[2]
    tm[5] += tx * tm[1] + ty * tm[3]


def _shown(state: _State, operator: str, operands: Sequence[object]) -> tuple[str, list[float]]:
    """The text shown, and the text matrix it is shown at."""
    tm = state.tm
    if tm is None or state.shown or state.font is None or len(operands) != 1:
        raise NotCovered
    state.shown = True
    if operator == "Tj":
        parts: Sequence[object] = operands
    elif isinstance(operands[0], Array):
        parts = list(operands[0])
    else:
        raise NotCovered
    codes = bytearray()
    for part in parts:
        if isinstance(part, pikepdf.String):
            raw = bytes(part)
            if len(raw) % state.width:
                raise NotCovered
            codes += raw
        elif -_number(part) >= _KERNING:
            raise NotCovered
    return _decoded(codes, state.font, state.width), tm


def _decoded(codes: bytearray, font: dict[int, str], width: int) -> str:
    try:
        if width == 1:
            return "".join([font[code] for code in codes])
        return "".join([font[codes[i] << 8 | codes[i + 1]] for i in range(0, len(codes), 2)])
    except KeyError:
        raise NotCovered from None


def _unicode_map(font: object) -> tuple[dict[int, str], int]:
    """The font's codes and the text each is, from its ToUnicode map; and how many bytes a code takes."""
    if not isinstance(font, Dictionary) or not isinstance(font.get("/ToUnicode"), Stream):
        raise NotCovered
    subtype, encoding = font.get("/Subtype"), font.get("/Encoding")
    if subtype == Name.Type0 and encoding == Name("/Identity-H"):
        width = 2
    elif subtype == Name.TrueType and encoding is None:
        width = 1
    else:
        raise NotCovered
    try:
        cmap = font.ToUnicode.read_bytes()
    except pikepdf.PdfError:
        raise NotCovered from None
    if len(cmap) > _LARGEST_MAP or b"usecmap" in cmap:
        raise NotCovered
    codes: dict[int, str] = {}
    for kind, body in _SECTION.findall(cmap):
        if kind == b"codespacerange":
            if any(len(_hex_bytes(h)) != width for h in _HEX.findall(body)):
                raise NotCovered
        elif kind == b"bfchar":
            _pairs(body, codes, width)
        else:
            _ranges(body, codes, width)
    return codes, width


def _pairs(body: bytes, codes: dict[int, str], width: int) -> None:
    found = _HEX.findall(body)
    if len(found) % 2 or _HEX.sub(b"", body).strip():
        raise NotCovered
    for source, target in zip(found[::2], found[1::2], strict=True):
        codes[_code(source, width)] = _text(target)


def _ranges(body: bytes, codes: dict[int, str], width: int) -> None:
    if _RANGE_ENTRY.sub(b"", body).strip():
        raise NotCovered  # something else than ranges
    for low_hex, high_hex, target in _RANGE_ENTRY.findall(body):
        low, high = _code(low_hex, width), _code(high_hex, width)
        if high < low or high - low > 0xFFFF:
            raise NotCovered
        if target.startswith(b"["):
            listed = _HEX.findall(target)
            if len(listed) != high - low + 1:
                raise NotCovered
            for offset, each in enumerate(listed):
                codes[low + offset] = _text(each)
            continue
        first = _text(target[1:-1])
        if len(first) != 1:
            raise NotCovered  # a range of ligatures: pypdf's way of counting on is not this one's
        last = ord(first) + high - low
        if last > 0x10FFFF or (ord(first) < 0xE000 and last >= 0xD800):
            raise NotCovered  # counted on past Unicode's end, or into its surrogates
        for offset in range(high - low + 1):
            codes[low + offset] = chr(ord(first) + offset)


def _hex_bytes(digits: bytes) -> bytes:
    try:
        return bytes.fromhex(digits.decode("ascii"))
    except ValueError:  # white space within a byte's two digits, or an odd number of digits
        try:
            return bytes.fromhex(re.sub(rb"\s", b"", digits).decode("ascii"))
        except ValueError:
            raise NotCovered from None


def _code(digits: bytes, width: int) -> int:
    code = _hex_bytes(digits)
    if len(code) != width:
        raise NotCovered
    return int.from_bytes(code, "big")


def _text(digits: bytes) -> str:
    raw = _hex_bytes(digits)
    if not raw or len(raw) % 2:
        raise NotCovered
    text = raw.decode("utf-16-be", "surrogatepass")
    if any(ord(c) < 0x20 or 0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise NotCovered  # control characters and lone surrogates: pypdf has its own ways with them
    return text


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise NotCovered
    return float(value)


def _numbers(operands: Sequence[object], count: int) -> tuple[float, ...]:
    if len(operands) != count:
        raise NotCovered
    return tuple(_number(v) for v in operands)


def _multiply(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """pypdf's `mult`, term for term, so that the floats are the same."""
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )
