"""docxtpl's reading of a template's XML, and what it misses: quotes LibreOffice writes as entities,
and a filled part that is no longer XML.

docxtpl joins a tag's runs and turns Word's curly quotes, `&lt;` and `&gt;` inside tags back into
what Jinja reads; a template saved by LibreOffice writes `"` as `&quot;` (and `'` as `&apos;`),
which docxtpl leaves, so `{%p if line.kind == "party" %}` no longer parses. The renderer and
`templates check` both read templates through `ParapheTemplate`.

docxtpl parses the filled body leniently, mending what a tag left unbalanced by dropping what
follows the cut; `ParapheTemplate` parses it strictly, and a filled header or footer too (NotXml).
Its other overrides give docxtpl's own results in less time: the line breaks and the tables are
compared with docxtpl's in tests/render/test_render_once.py, the package's reading with python-docx's
in tests/render/test_template_package.py.
"""

from __future__ import annotations

import functools
import io
import re
from typing import Any, cast

import jinja2
from docx.document import Document
from docxtpl import DocxTemplate
from lxml import etree

from paraphe.render.template_package import read_document

_INSIDE_TAG = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})", re.DOTALL)
_LISTING = re.compile("[\t\a\n\f]")  # what docxtpl's resolve_listing changes in a text
# docxtpl's outer expression, « <w:p(?: [^>]*)?>.*?</w:p> » with DOTALL, kept by split: a paragraph up to
# the first « </w:p> ». Written so that the engine runs over text between tags without stepping back
# (twice as fast over an SDSF's body).
_PARAGRAPHS = re.compile(r"(<w:p(?: [^>]*)?>(?:[^<]++|<(?!/w:p>))*+</w:p>)")
_ENTITIES = {"&quot;": '"', "&#34;": '"', "&apos;": "'", "&#39;": "'"}

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TBL, _TBL_GRID, _GRID_COL, _TR, _TC, _TC_PR, _GRID_SPAN, _VAL = (
    _W + name for name in ("tbl", "tblGrid", "gridCol", "tr", "tc", "tcPr", "gridSpan", "val")
)


def _unescaped(match: re.Match[str]) -> str:
    text = match.group(0)
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    return text


class NotXml(Exception):
    """A filled part that is not well-formed XML: its name, and the parser's words."""

    def __init__(self, part: str, error: etree.XMLSyntaxError) -> None:
        super().__init__(part, error)
        self.part, self.error = part, error

    @property
    def unbalanced(self) -> bool:
        """An element left open or closed out of turn: what a tag opened in one place and closed in another does."""
        return self.error.code in (etree.ErrorTypes.ERR_TAG_NAME_MISMATCH, etree.ErrorTypes.ERR_TAG_NOT_FINISHED)


class ParapheTemplate(DocxTemplate):  # type: ignore[misc]
    """docxtpl's template, with quotes inside tags read as quotes however the editor wrote them, and filled
    parts that are not XML refused (NotXml)."""

    docx: Document | None  # docxtpl's own attributes, set by its __init__ and init_docx
    is_rendered: bool

    def init_docx(self, reload: bool = True) -> None:
        """docxtpl's, with a template given as bytes read once per process (`read_document`)."""
        if not isinstance(self.template_file, io.BytesIO):
            super().init_docx(reload)
        elif not self.docx or (self.is_rendered and reload):
            self.docx = read_document(self.template_file.getvalue())
            self.is_rendered = False

    def patch_xml(self, src_xml: str) -> str:
        return patched(src_xml)

    def map_headers_footers_xml(self, relKey: str, xml: bytes) -> None:  # noqa: N803 - docxtpl's name
        """docxtpl's, with a filled header or footer that is not well-formed XML said to be so (NotXml),
        as the body is, rather than taken for a broken template by python-docx's parsing."""
        try:
            etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:
            assert self.docx is not None  # rendering: docxtpl has read the template
            raise NotXml(str(self.docx.part.rels[relKey].target_part.partname).lstrip("/"), exc) from None
        super().map_headers_footers_xml(relKey, xml)

    def fix_tables(self, xml: str) -> etree._Element:
        """The filled body's tree, parsed strictly: docxtpl parses it leniently, and a body a tag left
        unbalanced (a condition opened in a table's cell, closed after the table) would be mended
        silently, what follows the cut dropped (NotXml instead).

        Then docxtpl's own mending of a table's grid after {%tc %} tags changed its rows' cells, which
        walks every cell of every table in Python: made only when a table needs it."""
        try:
            tree = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:
            assert self.docx is not None  # rendering: docxtpl has read the template
            raise NotXml(str(self.docx.part.partname).lstrip("/"), exc) from None
        # docxtpl reads the « w » prefix before any table: without it, its own error.
        if "w" not in tree.nsmap or any(_to_fix(table) for table in tree.iter(_TBL)):
            return cast(etree._Element, super().fix_tables(xml))
        return tree

    def render_xml_part(
        self, src_xml: str, part: Any, context: Any, jinja_env: jinja2.Environment | None = None
    ) -> str:
        """docxtpl's, its two rewritings of the text made cheaper: each paragraph put on a line of its own
        once per template text (`_lined`), then taken back by two replacements rather than a regular
        expression calling Python at each of an SDSF's 800 paragraphs. The text is docxtpl's
        (tests/render/test_render_once.py)."""
        lined = _lined(src_xml)
        try:
            self.current_rendering_part = part
            template = jinja_env.from_string(lined) if jinja_env else jinja2.Template(lined)
            filled: str = template.render(context)
        except jinja2.TemplateError as exc:
            if getattr(exc, "lineno", None) is not None:  # docxtpl's context for the error, as it gives it
                line_number = max(exc.lineno - 4, 0)  # type: ignore[attr-defined]
                lines = lined.splitlines()[line_number : line_number + 7]
                exc.docx_context = (re.sub(r"<[^>]+>", "", line) for line in lines)  # type: ignore[attr-defined]
            raise
        filled = filled.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
        filled = filled.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return self.resolve_listing(filled)

    def resolve_listing(self, xml: str) -> str:
        """docxtpl's own, run only on the paragraphs it can change: it turns a tab, \\a, line break
        or form feed inside a text into Word's, through three nested regular expressions over every
        paragraph, run and text (a sixth of an SDSF's rendering), and gives any other paragraph back
        as it was. A paragraph given alone is matched whole by its first expression, so the result is
        the same. Split rather than substituted: the few paragraphs to change (an SDSF's charts, of its
        800) are found without a Python call for each of the others."""
        if not _LISTING.search(xml):
            return xml
        resolve = super().resolve_listing
        pieces = _PARAGRAPHS.split(xml)  # between paragraphs, a paragraph, between, …
        pieces[1::2] = [resolve(p) if _LISTING.search(p) else p for p in pieces[1::2]]
        return "".join(pieces)


def _to_fix(table: etree._Element) -> bool:
    """Whether docxtpl's fix_tables could change `table` or fail on it, read as it reads it: some row
    (nested tables' rows included) with more cells than the grid has columns, none whose cells (a merged
    one counting its span) fill the grid, or a span that is not a number. Saying so of a table it would
    leave as it is costs only time: docxtpl's own function then runs."""
    grid = table.find(_TBL_GRID)
    if grid is None:
        return True
    columns = len(grid.findall(_GRID_COL))
    filled = False
    for row in table.iter(_TR):
        cells = row.findall(_TC)
        if len(cells) > columns:
            return True
        if row.find(".//" + _GRID_SPAN) is None:
            width = len(cells)
        else:
            try:
                width = sum(_span(cell) for cell in cells)
            except (TypeError, ValueError):
                return True
        filled = filled or width >= columns
    return not filled


def _span(cell: etree._Element) -> int:
    properties = cell.find(_TC_PR)
    span = None if properties is None else properties.find(_GRID_SPAN)
    return 1 if span is None else int(span.get(_VAL))  # no value: TypeError, as in docxtpl


@functools.lru_cache(maxsize=16)  # as `patched`
def _lined(xml: str) -> str:
    """docxtpl's first step in filling a part: each paragraph on a line of its own (Jinja's line numbers)."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


@functools.lru_cache(maxsize=16)  # parts: a few templates of three parts (body, header, footer)
def patched(xml: str) -> str:
    """`xml` as the renderer hands it to Jinja (without the rendering).

    Patched once per process for each text: for every document a template fills, docxtpl hands
    the same part here, and its dozens of regular expressions cost a sixth of the rendering.
    docxtpl's `patch_xml` reads nothing but its argument, so the same text gives the same result.
    """
    return _INSIDE_TAG.sub(_unescaped, DocxTemplate.patch_xml(_UNFILLED, xml))


_UNFILLED = DocxTemplate.__new__(DocxTemplate)
