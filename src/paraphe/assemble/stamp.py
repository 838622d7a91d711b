"""Text stamped over finished pages: page numbers, the build fingerprint and the « PROJET » mark.

These stamps are a few ASCII characters, so they are written as tiny content streams in
Liberation Sans, embedded once per document (typeface.py). Each is marked as an artifact
(ISO 32000-1, 14.8.2.2): decoration that screen readers and the structure tree leave out.
The watermark is drawn as outlines: no text to extract.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pikepdf import Array, Dictionary, Name, Object, Page, Pdf, Stream

from paraphe.assemble.qpdf import deflated, flate_stream
from paraphe.assemble.typeface import embedded_font, outlined_form, text_width

__all__ = ["Frame", "Stamper", "frame", "rectangle", "text_width"]

# Resource names of our own: a page's names (/F1, /GS0…) stay as they are, ours cannot collide.
_REGULAR, _ALPHA, _DRAFT = Name("/ParapheF"), Name("/ParapheGS"), Name("/ParapheDraft")

# Marked-content tags of the artifacts (ISO 32000-1, table 330): page furniture, not content.
FOOTER = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC "
WATERMARK = b"/Artifact <</Type /Pagination /Subtype /Watermark>> BDC "
HEADER = b"/Artifact <</Type /Pagination /Subtype /Header>> BDC "
DRAFT_WORD = "PROJET"
DRAFT_ALPHA = 0.18


def _literal(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _winansi_literal(text: str) -> bytes:
    """`text` as a PDF string in the stamps' WinAnsi font (a character it lacks becomes « ? »)."""
    return _literal(text).encode("cp1252", "replace")


@dataclass(frozen=True)
class Frame:
    """The page as a reader shows it: the visible box (crop box within media box), turned by /Rotate.

    `matrix` maps the shown page's coordinates (origin bottom left, x to the right as read) to
    the page's own, so a footer drawn at (x, 30) sits upright at the bottom of what is seen.
    """

    width: float
    height: float
    matrix: tuple[float, float, float, float, float, float]


def frame(page: Page) -> Frame:
    media, crop = [float(v) for v in page.mediabox], [float(v) for v in page.cropbox]
    left, right = max(media[0], crop[0]), min(media[2], crop[2])
    bottom, top = max(media[1], crop[1]), min(media[3], crop[3])
    width, height = right - left, top - bottom
    turn = int(page.obj.get("/Rotate", 0)) % 360
    if turn == 90:
        return Frame(height, width, (0, 1, -1, 0, right, bottom))
    if turn == 180:
        return Frame(width, height, (-1, 0, 0, -1, right, top))
    if turn == 270:
        return Frame(height, width, (0, -1, 1, 0, left, top))
    return Frame(width, height, (1, 0, 0, 1, left, bottom))


@dataclass(frozen=True)
class _Overlay:
    """What a page's stamps are drawn with: the stream after the page's own, the copy of its resources
    they add to (and of the dictionaries in it they add to, by key), the shown page (`frame`) and its
    matrix, and the stamps drawn so far."""

    stream: Stream
    resources: Dictionary
    owned: dict[str, Dictionary]
    frame: Frame
    matrix: bytes
    stamps: list[bytes]

    def own(self, key: str) -> Dictionary:
        """The overlay's own copy of `resources[key]`, made on the first stamp that adds to it."""
        if key not in self.owned:
            self.owned[key] = _own(self.resources, key)
        return self.owned[key]


class Stamper:
    """Draws the stamps on the pages of one document, with the objects they share added to it once:
    the font, the watermark's outlines, the « q » that opens each overlay. Used as a context: each
    page's stamps are written when it ends, in one stream, compressed once."""

    def __init__(self, pdf: Pdf) -> None:
        self.pdf = pdf
        self._font: Dictionary | None = None
        self._draft: tuple[Stream, float] | None = None
        self._save = flate_stream(pdf, deflated(b"q\n"))
        self._overlays: dict[tuple[int, int], _Overlay] = {}  # each page stamped so far, by its object

    def __enter__(self) -> Stamper:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.finish()

    def finish(self) -> None:
        """Each stamped page's overlay written: its stamps, each in its own q … Q, in one stream."""
        for overlay in self._overlays.values():
            drawn = b"\nQ q " + overlay.matrix + b" cm " + b" ".join(overlay.stamps) + b" Q"
            overlay.stream.write(deflated(drawn), filter=Name.FlateDecode)

    def font(self) -> Dictionary:
        if self._font is None:
            self._font = embedded_font(self.pdf)
        return self._font

    def draft_form(self) -> tuple[Stream, float]:
        if self._draft is None:
            self._draft = outlined_form(self.pdf, DRAFT_WORD)
        return self._draft

    def overlay(self, page: Page, content: bytes, *, draft: bool = False, alpha: float | None = None) -> None:
        """Draw `content` (in the shown page's coordinates) over the page, changing nothing it shares.

        Pages may share their content streams and resources (several annex pages drawn by one
        stream): the page gets a new /Contents array around the streams it had, and a copy of its
        resources, so a stamp lands on this page only. Its later stamps join the same overlay, written
        by `finish`.
        """
        overlay = self._overlay(page)
        if draft:
            overlay.own("/XObject")[_DRAFT] = self.draft_form()[0]
        else:
            overlay.own("/Font")[_REGULAR] = self.font()
        if alpha is not None:
            overlay.own("/ExtGState")[_ALPHA] = Dictionary(ca=alpha, CA=alpha)
        # A page's stamps share one stream, each in its own q … Q: a page drawn once more, not once per stamp.
        overlay.stamps.append(b"q " + content + b" EMC Q")

    def _overlay(self, page: Page) -> _Overlay:
        overlay = self._overlays.get(page.obj.objgen)
        if overlay is None:
            shown = frame(page)
            cm = " ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in shown.matrix).encode()
            overlay = _Overlay(flate_stream(self.pdf, deflated(b"")), _own(page.obj, "/Resources"), {}, shown, cm, [])
            # q … Q around the page's own drawing: whatever state it leaves (a scale, a colour) is undone.
            page.obj.Contents = Array([self._save, *_content_streams(page, self.pdf), overlay.stream])
            self._overlays[page.obj.objgen] = overlay
        return overlay

    def shown(self, page: Page) -> Frame:
        """`frame(page)`, read once per page: its boxes do not change while it is stamped. Read with the
        page's overlay, which is made then (the page's /Contents and /Resources replaced, see `overlay`)."""
        return self._overlay(page).frame

    def page_number(self, page: Page, number: int, total: int, *, right_margin: float, baseline: float) -> None:
        """« N / M » right-aligned in the footer."""
        text = f"{number} / {total}"
        size = 8.0
        x = self.shown(page).width - right_margin - text_width(text, size)
        content = f"BT /ParapheF {size:g} Tf 0.33 g {x:.2f} {baseline:.2f} Td {_literal(text)} Tj ET".encode()
        self.overlay(page, FOOTER + content)

    def fingerprint(self, page: Page, fingerprint: str, *, left_margin: float, baseline: float) -> None:
        """« Empreinte : … » under the footer, left-aligned: the build's provenance on every page."""
        shown = _literal(f"Empreinte : {fingerprint}")
        content = f"BT /ParapheF 6 Tf 0.45 g {left_margin:.2f} {baseline:.2f} Td {shown} Tj ET".encode()
        self.overlay(page, FOOTER + content)

    def reading_copy(self, page: Page, text: str, *, left_margin: float) -> None:
        """A reading copy's mark across the top of the page, in dark red: « Version consolidée … »."""
        y = self.shown(page).height - 18
        position = f"BT /ParapheF 8 Tf 0.6 0 0 rg {left_margin:.2f} {y:.2f} Td ".encode()
        self.overlay(page, HEADER + position + _winansi_literal(text) + b" Tj ET")

    def draft(self, page: Page) -> None:
        """A large translucent diagonal « PROJET » across the page, drawn as shapes, not text."""
        size = 120.0
        width = self.draft_form()[1]
        shown = self.shown(page)
        angle = math.atan2(shown.height, shown.width)
        cos, sin = math.cos(angle), math.sin(angle)
        half = width * size / 1000 / 2
        # Start point so the word's centre sits on the page's centre.
        x = shown.width / 2 - cos * half + sin * size * 0.35
        y = shown.height / 2 - sin * half - cos * size * 0.35
        scale = size / 1000
        content = (
            f"/ParapheGS gs 0.75 0 0 rg {cos * scale:.6f} {sin * scale:.6f} {-sin * scale:.6f} {cos * scale:.6f} "
            f"{x:.2f} {y:.2f} cm /ParapheDraft Do"
        ).encode()
        self.overlay(page, WATERMARK + content, draft=True, alpha=DRAFT_ALPHA)


def _content_streams(page: Page, pdf: Pdf) -> list[Object]:
    contents = page.obj.get("/Contents")
    if contents is None:
        return []
    if isinstance(contents, Array):
        return [item if item.is_indirect else pdf.make_indirect(item) for item in contents]
    return [contents if contents.is_indirect else pdf.make_indirect(contents)]


def _own(holder: Dictionary, key: str) -> Dictionary:
    """A direct copy of `holder[key]` (a dictionary, maybe shared) put in its place, to change alone."""
    shared = holder.get(key)
    copy = Dictionary({k: v for k, v in shared.items()}) if isinstance(shared, Dictionary) else Dictionary()
    holder[key] = copy
    return copy


def rectangle(x0: float, y0: float, x1: float, y1: float) -> Array:
    """Rounded to the hundredth; a whole number as an integer, as qpdf writes it (`292.0` is « 292 »)."""
    return Array([int(v) if v.is_integer() else v for v in (round(float(c), 2) for c in (x0, y0, x1, y1))])
