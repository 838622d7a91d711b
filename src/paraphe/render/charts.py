"""Identity-sheet figures as bar charts: French number format, the same bytes every time.

A block gets a chart when it has at least two lines, every line has a value and all
share one unit (« Lozère 14,8 ‰ / France 11,4 ‰ », AEEH children by age). The PNG is
drawn with Pillow in Liberation Sans, the document's own font (`paraphe.fonts`), without
any date or software tag, so the same figures give the same file. A process draws each
chart once: the same labels, values and unit give the bytes it drew before (copies of a
convention, the template check's specimen, an SDSF and a CTG of one département sharing
their figures).

Pillow, not a plotting library: a chart is a few bars and words, and matplotlib took half a
second to import and a twentieth to draw each chart, in every build with an identity sheet
(issue 18). The geometry is the one the charts had with matplotlib (its axes' place in the
figure, its margins, its 7-point text and 3.5-point tick padding), so they look as before.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from paraphe.fonts import font_path
from paraphe.manifest.model import FigureBlock
from paraphe.render.typography import NBSP, NNBSP, fr_number, fr_text

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

BLUE = "#000091"
GREY = "#8585F6"
UNIT_GREY = "#555555"
WIDTH_CM = 8.0
CHART_WIDTH_MM = WIDTH_CM * 10
DPI = 200
TEXT_POINTS = 7
PAD_POINTS = 3.5  # between a label and the axis, as matplotlib's ticks had it
SPINE_POINTS = 0.8
AXES_LEFT, AXES_WIDTH, AXES_TOP = 0.28, 0.52, 0.94  # fractions of the picture, from its left and bottom
BAR_HEIGHT = 0.6  # of the distance between two bars
MARGIN = 0.05  # above the first bar and below the last, of the bars' whole span


def _pixels(points: float) -> float:
    return points / 72 * DPI


@cache
def _font() -> FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path()), _pixels(TEXT_POINTS))


def chartable(block: FigureBlock) -> bool:
    items = block.items
    return (
        block.chart
        and len(items) >= 2
        and all(i.value is not None for i in items)
        and len({i.unit for i in items}) == 1
    )


def block_chart(block: FigureBlock) -> bytes | None:
    """The block's chart as PNG bytes, or None when the block is not one to chart."""
    if not chartable(block):
        return None
    values = [float(i.value) for i in block.items if i.value is not None]
    return bar_chart([i.label for i in block.items], values, block.items[0].unit)


def bar_chart(labels: Sequence[str], values: Sequence[float], unit: str | None) -> bytes:
    """Horizontal bars, the first in the document's blue, each value written at its bar's end.

    A short unit (« % », « ‰ ») follows each value; a long one (« habitants au km² ») is said
    once, under the bars.
    """
    # Keyed by each value's exact bits (float.hex): 0.0 and -0.0, equal as numbers, are drawn apart.
    return _drawn(tuple(labels), tuple(float(v).hex() for v in values), unit)


@lru_cache(maxsize=256)  # a few hundred PNGs of some ten kilobytes each
def _drawn(labels: tuple[str, ...], exact_values: tuple[str, ...], unit: str | None) -> bytes:
    from PIL import Image, ImageDraw

    values = [float.fromhex(v) for v in exact_values]
    short = unit is not None and len(unit) <= 4
    height_cm = 0.7 + 0.7 * len(values) + (0.0 if short or not unit else 0.4)
    width, height = int(WIDTH_CM / 2.54 * DPI), int(height_cm / 2.54 * DPI)
    bottom = 0.04 if short or not unit else 0.22
    left, right = AXES_LEFT * width, (AXES_LEFT + AXES_WIDTH) * width
    top_y, bottom_y = (1 - AXES_TOP) * height, (1 - bottom) * height
    # Bars at 0 … n-1 from the bottom, the first line at the top; a margin of the span above and below.
    span = len(values) - 1 + BAR_HEIGHT
    low = -BAR_HEIGHT / 2 - MARGIN * span
    high = len(values) - 1 + BAR_HEIGHT / 2 + MARGIN * span

    def y(position: float) -> float:
        return bottom_y - (position - low) / (high - low) * (bottom_y - top_y)

    largest = max(max(values), 0.0) or 1.0

    def x(value: float) -> float:
        return left + max(value, 0.0) / largest * (right - left)

    picture = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(picture)
    font = _font()
    suffix = f"{NBSP}{unit}" if short and unit else ""
    for rank, (label, value) in enumerate(zip(labels, values, strict=True)):
        position = len(values) - 1 - rank
        colour = BLUE if rank == 0 else GREY
        if value > 0:
            draw.rectangle((left, y(position + BAR_HEIGHT / 2), x(value), y(position - BAR_HEIGHT / 2)), fill=colour)
        draw.text((left - _pixels(PAD_POINTS), y(position)), _drawable(fr_text(label)), "black", font, "rm")
        written = _drawable(fr_number(value) + suffix)
        draw.text((x(value) + 0.03 * (right - left), y(position)), written, "black", font, "lm")
    spine = _pixels(SPINE_POINTS)
    draw.rectangle((left - spine / 2, top_y, left + spine / 2, bottom_y), fill="black")
    if unit and not short:
        draw.text(((left + right) / 2, bottom_y + _pixels(PAD_POINTS)), _drawable(unit), UNIT_GREY, font, "mt")
    out = io.BytesIO()
    # zlib's fastest level: half the time of its default, for a PNG LibreOffice decodes once to re-encode it.
    picture.save(out, format="PNG", dpi=(DPI, DPI), optimize=False, compress_level=1)
    return out.getvalue()


def _drawable(text: str) -> str:
    """The text in the font's own characters: Liberation Sans has no narrow no-break space (« 1 234 »,
    « ; »), drawn as a no-break space."""
    return text.replace(NNBSP, NBSP)
