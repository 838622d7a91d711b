"""Liberation Sans for pyHanko's signature stamps: embedded (PDF/A), with widths readers agree on.

pyHanko's glyph accumulator writes a CID font's widths (/W) in the font's own units, which PDF
reads as thousandths of an em: right for fonts of 1000 units per em (most CFF fonts), twice too
wide for Liberation Sans' 2048, whose letters then stand apart and whose widths disagree with
the embedded program (ISO 19005-2, 6.2.11.5). Here HarfBuzz shapes and the widths are written
at 1000 units per em, so text, widths and program agree.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator

from paraphe.fonts import font_path

PDF_UNITS = 1000


class _ThousandUnitAccumulator(GlyphAccumulator):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._to_pdf = PDF_UNITS / self.units_per_em
        self.units_per_em = PDF_UNITS
        self.hb_font.scale = (PDF_UNITS, PDF_UNITS)

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        if glyph_id not in self._glyphs:
            cid, width = super()._get_cid_and_width(glyph_id)
            self._glyphs[glyph_id] = (cid, round(width * self._to_pdf))
        found: tuple[int, int] = self._glyphs[glyph_id]
        return found


@dataclass(frozen=True)
class EmbeddedFont(FontEngineFactory):
    """A stamp style's font: Liberation Sans (regular or bold), subset and embedded by pyHanko."""

    bold: bool = False
    font_size: int = 10

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        # Bytes, not an open file: pyHanko would leave the file open.
        program = io.BytesIO(_program(font_path(self.bold)))
        return _ThousandUnitAccumulator(
            writer=writer, font_handle=program, font_size=self.font_size, obj_stream=obj_stream
        )


@functools.cache
def _program(path: Path) -> bytes:
    """The font file without FontForge's FFTM table, which fontTools' subsetter drops with a log line
    (« FFTM NOT subset ») that `paraphe sign` would print."""
    font = TTFont(path, recalcTimestamp=False)  # the same bytes every build
    if "FFTM" in font:
        del font["FFTM"]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
