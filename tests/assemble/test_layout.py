"""Finding a heading in the outline LibreOffice exports, where its text may differ from the one typed."""

from __future__ import annotations

import pytest

from paraphe.assemble.layout import Heading, find_heading
from paraphe.render.blocks import annex_heading


@pytest.mark.parametrize(
    ("typed", "exported"),
    [
        ("\\", "Annexe 2 –"),  # the property test's example: a lone backslash vanishes
        ("C:\\Partage\\DDT", "Annexe 2 – C:PartageDDT"),
        ("a \\\\ b", "Annexe 2 – a \\ b"),  # a doubled one is exported once
        ("Pièce\u00a0jointe ?", "Annexe 2 – Pièce jointe\u202f?"),
    ],
)
def test_an_annex_cover_is_found_as_libreoffice_exports_it(typed: str, exported: str) -> None:
    marks = [Heading(1, "Annexe 1 – Glossaire des sigles", 3), Heading(1, exported, 7)]
    found = find_heading(marks, annex_heading(2, typed))
    assert found is not None and found.page == 7


def test_another_annex_is_not_taken_for_it() -> None:
    marks = [Heading(1, "Annexe 2 – ab", 7)]
    assert find_heading(marks, annex_heading(2, "a\\c")) is None
    assert find_heading(marks, annex_heading(3, "a\\b")) is None
