"""Identity-sheet charts: which blocks get one, French numbers, the same bytes every time."""

from __future__ import annotations

import io
import zipfile

from paraphe.manifest.model import FigureBlock, FigureItem
from paraphe.pipeline import load_convention
from paraphe.render import charts
from paraphe.render.charts import block_chart, chartable
from paraphe.render.docx import render_docx
from support import LOZERE


def block(*items: tuple[str, float | None, str | None], chart: bool = True) -> FigureBlock:
    return FigureBlock(None, "Taux", None, tuple(FigureItem(*i) for i in items), None, chart)


def test_which_blocks_get_a_chart() -> None:
    assert chartable(block(("Lozère", 14.9, "%"), ("France", 14.5, "%")))
    assert not chartable(block(("Lozère", 14.9, "%")))
    assert not chartable(block(("Lozère", 14.9, "%"), ("France", None, "%")))
    assert not chartable(block(("Lozère", 14.9, "%"), ("France", 11.4, "‰")))
    assert not chartable(block(("Lozère", 14.9, "%"), ("France", 14.5, "%"), chart=False))


def test_same_figures_same_bytes() -> None:
    first = block_chart(block(("Lozère", 8.8, "‰"), ("France", 11.4, "‰")))
    again = block_chart(block(("Lozère", 8.8, "‰"), ("France", 11.4, "‰")))
    other = block_chart(block(("Lozère", 8.9, "‰"), ("France", 11.4, "‰")))
    assert first is not None and first.startswith(b"\x89PNG")
    assert first == again != other


def test_a_chart_drawn_once_is_the_chart_drawn_afresh() -> None:
    figures = block(("Lozère", 8.7, "‰"), ("France", 0.0, "‰"))
    remembered = block_chart(figures)
    assert block_chart(figures) is remembered  # drawn once per process
    charts._drawn.cache_clear()
    assert block_chart(figures) == remembered
    negative_zero = block_chart(block(("Lozère", 8.7, "‰"), ("France", -0.0, "‰")))
    charts._drawn.cache_clear()
    assert negative_zero == block_chart(block(("Lozère", 8.7, "‰"), ("France", -0.0, "‰")))


def test_lozere_identity_sheet_has_its_five_charts() -> None:
    convention = load_convention(LOZERE)
    charted = [b.id for b in convention.identity.figures if chartable(b)] if convention.identity else []
    assert charted == ["densite", "natalite", "pauvrete", "offre-accueil", "aeeh"]

    def media(data: bytes) -> list[bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [archive.read(n) for n in sorted(archive.namelist()) if n.startswith("word/media/")]

    images = media(render_docx(convention))
    assert len(images) == 5
    assert media(render_docx(convention)) == images
