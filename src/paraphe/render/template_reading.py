"""A Word template read as docxtpl reads it: its parts' XML after docxtpl's preprocessing, and its
paragraphs as a Word user sees them (where each is, its text, whether it is a heading), so that a
Jinja line number of the source can be turned back into « paragraph 41 » or « table 2, row 3, cell 1 ».
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

from paraphe.render.tags import patched

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MARK = re.compile(r"<!--paraphe-p(\d+)-->")
_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the template as a Word user sees it: where it is, its text, whether it is a heading."""

    index: int  # in its part's document order, every paragraph counted (table cells included)
    where: str  # « paragraph 41 », « table 2, row 3, cell 1 », « footer »
    text: str
    heading: bool
    page_break: bool = False  # a page break typed in it (LibreOffice writes « page break before » so)

    def describe(self) -> str:
        text = " ".join(self.text.split())
        text = text if len(text) <= 70 else text[:69] + "…"
        return f"{self.where} (« {text} »)"


@dataclass
class Part:
    name: str
    paragraphs: list[Paragraph]
    lines: list[int | None]  # the paragraph each line of the preprocessed source starts in


def read_parts(data: bytes) -> list[tuple[Part, str]]:
    """The body, headers and footers: each part's paragraphs, and its source as Jinja will parse it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [n for n in archive.namelist() if _PARTS.fullmatch(n)]
        if "word/document.xml" not in names:
            raise KeyError("word/document.xml")
        headings = _heading_styles(archive.read("word/styles.xml") if "word/styles.xml" in archive.namelist() else b"")
        names.sort(key=lambda n: (n != "word/document.xml", n))
        return [_read_part(n, archive.read(n).decode("utf-8"), headings) for n in names]


def _read_part(name: str, xml: str, headings: set[str]) -> tuple[Part, str]:
    root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    label = re.sub(r"\d+$", "", name.removeprefix("word/").removesuffix(".xml"))
    paragraphs = _paragraphs(root, label, headings)
    # Each paragraph's start marked, on a line of its own: a Jinja line number then says which paragraph.
    count = iter(range(len(paragraphs)))
    marked = re.sub(r"<w:p(?=[ >/])", lambda m: f"\n<!--paraphe-p{next(count)}-->{m.group()}", xml)
    source = patched(marked)
    lines: list[int | None] = []
    current: int | None = None
    for line in source.split("\n"):
        found = _MARK.match(line)
        current = int(found.group(1)) if found else current
        lines.append(current)
    return Part(name, paragraphs, lines), _MARK.sub("", source)


def _paragraphs(root: etree._Element, label: str, headings: set[str]) -> list[Paragraph]:
    body = root.find(f"{W}body") if label == "document" else root
    # lxml gives the same proxy for an element as long as one is referenced: these lists keep them alive.
    tops = body.findall(f"{W}p") if body is not None else []
    top = {id(p): n for n, p in enumerate(tops, 1)}
    tables = list(root.iter(f"{W}tbl"))
    cells: dict[int, str] = {}
    kept: list[etree._Element] = []
    for t, table in enumerate(tables, 1):
        for r, row in enumerate(table.findall(f"{W}tr"), 1):
            for c, cell in enumerate(row.findall(f"{W}tc"), 1):
                for p in cell.iter(f"{W}p"):
                    kept.append(p)
                    cells.setdefault(id(p), f"table {t}, row {r}, cell {c}")
    found: list[Paragraph] = []
    for index, p in enumerate(list(root.iter(f"{W}p"))):
        if label == "document":
            where = cells.get(id(p)) or (f"paragraph {top[id(p)]}" if id(p) in top else "paragraph")
        else:
            where = label
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        style = p.find(f"{W}pPr/{W}pStyle")
        outline = p.find(f"{W}pPr/{W}outlineLvl")
        heading = outline is not None or (style is not None and style.get(f"{W}val") in headings)
        page_break = any(b.get(f"{W}type") == "page" for b in p.iter(f"{W}br"))
        found.append(Paragraph(index, where, text, heading, page_break))
    return found


def _heading_styles(styles: bytes) -> set[str]:
    """The ids of paragraph styles LibreOffice exports as headings: an outline level, or a « Heading n »."""
    if not styles:
        return set()
    root = etree.fromstring(styles, etree.XMLParser(resolve_entities=False, no_network=True))
    based: dict[str, str] = {}
    own: set[str] = set()
    for style in root.iter(f"{W}style"):
        sid = style.get(f"{W}styleId") or ""
        name = style.find(f"{W}name")
        parent = style.find(f"{W}basedOn")
        if parent is not None:
            based[sid] = parent.get(f"{W}val") or ""
        title = (name.get(f"{W}val") or "") if name is not None else ""
        if style.find(f"{W}pPr/{W}outlineLvl") is not None or re.fullmatch(r"(?i)heading \d", title):
            own.add(sid)

    def is_heading(sid: str, seen: int = 0) -> bool:
        return sid in own or (seen < 20 and sid in based and is_heading(based[sid], seen + 1))

    return {sid for sid in (own | set(based)) if is_heading(sid)}
