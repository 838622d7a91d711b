"""Block tags that would cut a document's structure: a `{% if %}` typed in a table's cell whose
`{% endif %}` is after the table, a `{% for %}` opened before a table and closed in its cell.

The text between a block's tags is left out (a condition not met, an empty list) or repeated (a
loop). That is harmless where it closes as many elements as it opens, and the same ones: between the
end of a paragraph and the start of the next, it merges or repeats paragraphs (between two cells,
cells, whose grid docxtpl then mends, as after {%tc %}). Anything else leaves
the filled document unbalanced; the renderer refuses it then (`template.output`), but only when the
branch is left out or repeated: a draft may build where the final convention fails. Read here on the
template's source as Jinja parses it (docxtpl's {%p %}, {%tr %} and {%tc %} already moved outside
their paragraph, row or cell), whatever the branch.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

# A Jinja statement: its keyword. Expressions and comments are left out of the XML read between tags.
_STATEMENT = re.compile(r"\{%-?\s*(\w+)(?:[^%]|%(?!\}))*%\}")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_MARKUP = re.compile(r"<!--.*?-->|<\?.*?\?>|<(/?)([A-Za-z_][\w:.-]*)[^>]*?(/?)>", re.DOTALL)
_BLOCKS = frozenset({"if", "for", "with", "macro", "call", "filter", "block", "autoescape", "trans"})
_MIDDLES = frozenset({"elif", "else", "pluralize"})


@dataclass(frozen=True)
class Cut:
    """A block whose text between two of its tags is not balanced: where its opening tag is."""

    line: int  # in the source Jinja parses
    keyword: str  # « if », « for »…


def cuts(source: str) -> Iterator[Cut]:
    """Every block of `source` with a stretch between its tags that would unbalance the document.
    Nothing where the tags do not nest as blocks (Jinja reports that) or a {% raw %} hides some."""
    opened: list[tuple[str, list[tuple[int, int]]]] = []  # keyword, the spans of its tags so far
    blocks: list[tuple[str, list[tuple[int, int]]]] = []
    for match in _STATEMENT.finditer(source):
        keyword, span = match.group(1), match.span()
        if keyword == "raw":
            return
        if keyword in _BLOCKS or (keyword == "set" and "=" not in match.group()):
            opened.append((keyword, [span]))
        elif keyword in _MIDDLES and opened:
            opened[-1][1].append(span)
        elif keyword.startswith("end"):
            if not opened or opened[-1][0] != keyword.removeprefix("end"):
                return
            block = opened.pop()
            block[1].append(span)
            blocks.append(block)
    if opened:
        return
    for keyword, spans in sorted(blocks, key=lambda block: block[1][0]):
        if not all(_balanced(source[end:next_start]) for (_, end), (next_start, _) in pairwise(spans)):
            yield Cut(source.count("\n", 0, spans[0][0]) + 1, keyword)


def _balanced(stretch: str) -> bool:
    """Whether leaving `stretch` out, or repeating it, keeps the document well-formed: it closes elements
    left open before it only to open the same again, in the same order."""
    closed: list[str] = []  # elements opened before the stretch, closed in it, innermost first
    still_open: list[str] = []
    for match in _MARKUP.finditer(_JINJA.sub("", stretch)):
        slash, name, empty = match.groups()
        if name is None or empty:  # a comment, an instruction, an empty element
            continue
        if not slash:
            still_open.append(name)
        elif still_open:
            if still_open.pop() != name:
                return False
        else:
            closed.append(name)
    return closed == still_open[::-1]
