"""Block tags whose text between them, left out or repeated, would cut the document's structure."""

from __future__ import annotations

import pytest

from paraphe.render.tag_structure import Cut, cuts

P = "<w:p><w:r><w:t>{}</w:t></w:r></w:p>"
CELL = "<w:tc>" + P + "</w:tc>"


@pytest.mark.parametrize(
    "source",
    [
        P.format("{% if a %}in one text{% endif %}"),
        P.format("{% if a %}x</w:t></w:r><w:r><w:t>in two runs{% else %}y{% endif %}"),
        P.format("end of one {% if a %}") + "\n" + P.format("{% endif %} start of the next"),  # merged paragraphs
        "<w:tbl>{% for row in rows %}<w:tr>" + CELL.format("{{ row }}") + "</w:tr>{% endfor %}</w:tbl>",  # {%tr %}
        P.format("{% for x in xs %}{% if x %}<w:br/>{% endif %}{% endfor %}"),
        P.format("{% set a = 1 %}{% if a %}x{% endif %}"),
        P.format("{% raw %}{% if %}{% endraw %}") + "<w:tbl><w:tr>" + CELL.format("{% if a %}") + "</w:tr></w:tbl>",
        P.format("{% if a %}never closed"),  # Jinja says so
    ],
)
def test_a_block_that_keeps_the_structure_is_not_reported(source: str) -> None:
    assert list(cuts(source)) == []


def test_a_condition_from_a_cell_to_after_the_table_is_reported_at_its_opening() -> None:
    source = (
        P.format("{{ title }}")
        + "\n<w:tbl><w:tr>"
        + CELL.format("{% if a %}hidden")
        + CELL.format("beside")
        + "</w:tr></w:tbl>\n"
        + P.format("{% endif %}after")
    )
    assert list(cuts(source)) == [Cut(2, "if")]


def test_a_loop_into_a_table_it_opened_outside_of_is_reported() -> None:
    source = P.format("{% for x in xs %}{{ x }}") + "<w:tbl><w:tr>" + CELL.format("{% endfor %}") + "</w:tr></w:tbl>"
    assert list(cuts(source)) == [Cut(1, "for")]


def test_a_block_from_one_cell_to_the_next_merges_or_repeats_cells_and_is_not_reported() -> None:
    """Well-formed either way (docxtpl mends the grid after), as {%tc %} does."""
    source = "<w:tbl><w:tr>" + CELL.format("{% for x in xs %}{{ x }}") + CELL.format("{% endfor %}") + "</w:tr></w:tbl>"
    assert list(cuts(source)) == []


def test_only_the_branch_that_cuts_is_enough_to_report_the_block() -> None:
    source = "<w:tbl><w:tr>" + CELL.format("{% if a %}fine{% else %}cut") + "</w:tr></w:tbl>" + P.format("{% endif %}")
    assert list(cuts(source)) == [Cut(1, "if")]


def test_nested_blocks_are_each_read() -> None:
    inner = "<w:tbl><w:tr>" + CELL.format("{% if b %}") + "</w:tr></w:tbl>" + P.format("{% endif %}")
    source = P.format("{% for x in xs %}") + "\n" + inner + "\n" + P.format("{% endfor %}")
    assert list(cuts(source)) == [Cut(2, "if")]  # the loop around whole paragraphs and a whole table keeps it
