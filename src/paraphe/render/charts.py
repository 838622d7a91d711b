"""Identity-sheet figures as bar charts: French number format, the same bytes every time.

A block gets a chart when it has at least two lines, every line has a value and all
share one unit (« Lozère 14,8 ‰ / France 11,4 ‰ », AEEH children by age). The PNG
is drawn with matplotlib's Agg backend and its bundled DejaVu font, without the
software tag or any date, so the same figures give the same file. A process draws each chart
once: the same labels, values and unit give the bytes it drew before (copies of a convention,
the template check's specimen, an SDSF and a CTG of one département sharing their figures).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from paraphe.manifest.model import FigureBlock
from paraphe.render.typography import NBSP, fr_number, fr_text

if TYPE_CHECKING:  # matplotlib takes a third of a second to import: only a document with a chart loads it
    from matplotlib.figure import Figure

BLUE = "#000091"
GREY = "#8585F6"
WIDTH_CM = 8.0
CHART_WIDTH_MM = WIDTH_CM * 10
DPI = 200


@cache
def figure_class() -> type[Figure]:
    """matplotlib's Figure, imported on the first chart, its Agg backend chosen first."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure


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
    values = [float.fromhex(v) for v in exact_values]
    short = unit is not None and len(unit) <= 4
    height_cm = 0.7 + 0.7 * len(values) + (0.0 if short or not unit else 0.4)
    figure = figure_class()(figsize=(WIDTH_CM / 2.54, height_cm / 2.54), dpi=DPI)
    bottom = 0.04 if short or not unit else 0.22
    axes = figure.add_axes((0.28, bottom, 0.52, 0.94 - bottom))
    positions = list(range(len(values)))[::-1]
    colours = [BLUE] + [GREY] * (len(values) - 1)
    axes.barh(positions, values, color=colours, height=0.6)
    axes.set_yticks(positions, labels=[fr_text(label) for label in labels], fontsize=7, fontfamily="DejaVu Sans")
    top = max(max(values), 0.0) or 1.0
    axes.set_xlim(0, top)
    axes.set_xticks([])
    axes.tick_params(axis="y", length=0)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    suffix = f"{NBSP}{unit}" if short and unit else ""
    for position, value in zip(positions, values, strict=True):
        axes.text(
            value + top * 0.03,
            position,
            fr_number(value) + suffix,
            va="center",
            fontsize=7,
            fontfamily="DejaVu Sans",
            clip_on=False,
        )
    if unit and not short:
        axes.set_xlabel(unit, fontsize=7, fontfamily="DejaVu Sans", color="#555555")
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()
