"""Footer stamps land where a reader looks: upright on turned pages, inside the crop box, once per page."""

from __future__ import annotations

import io
from typing import Any

import pikepdf
import pytest
from pypdf import PdfReader, PdfWriter

from paraphe.assemble.stamp import Stamper
from support import hostile_inputs as inputs


def _stamped(pdf: bytes) -> PdfWriter:
    document = pikepdf.open(io.BytesIO(pdf))
    with Stamper(document) as stamper:
        for index, page in enumerate(document.pages):
            stamper.page_number(page, index + 1, len(document.pages), right_margin=56.7, baseline=30)
            stamper.fingerprint(page, "0123456789ab", left_margin=56.7, baseline=20)
    buffer = io.BytesIO()
    document.save(buffer)
    return PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))


def _shown(page: Any) -> list[tuple[str, float, float, float]]:
    """Text as a reader sees the page: (text, x, y, direction) once /Rotate is turned into the drawing."""
    page.transfer_rotation_to_content()
    found: list[tuple[str, float, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, _size: float) -> None:
        if text.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            found.append((text.strip(), x, y, cm[0] * tm[0] + cm[2] * tm[1]))

    page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("turn", [0, 90, 180, 270, -90, 450])
def test_footer_upright_at_the_bottom_of_a_turned_page(turn: int) -> None:
    pdf = inputs.one_page(page=b"/Rotate %d " % turn)
    page = _stamped(pdf).pages[0]
    stamps = {text: (x, y, direction) for text, x, y, direction in _shown(page)}
    x, y, direction = stamps["1 / 1"]
    width = float(page.mediabox.width)
    assert direction > 0  # reads left to right, not sideways or upside down
    assert width - 120 < x < width - 56 and 25 < y < 35, (x, y, width)


def test_footer_inside_the_crop_box() -> None:
    pdf = inputs.one_page(page=b"/CropBox [50 100 545 742] ")
    page = _stamped(pdf).pages[0]
    stamps = {text: (x, y) for text, x, y, _ in _shown(page)}
    x, y = stamps["1 / 1"]
    assert 50 < x < 545 - 56 and y == pytest.approx(130, abs=1)
    x, y = stamps["Empreinte : 0123456789ab"]
    assert x == pytest.approx(106.7, abs=1) and y == pytest.approx(120, abs=1)


def test_pages_sharing_one_content_stream_get_one_number_each() -> None:
    writer = _stamped(inputs.shared_contents())
    numbers = [[t for t, *_ in _shown(page) if "/" in t] for page in writer.pages]
    assert numbers == [["1 / 3"], ["2 / 3"], ["3 / 3"]]
