"""Placeholders left in a draft (« [à compléter] ») highlighted in the filled document.

A draft may leave what is not known yet as « [à compléter : …] »; validation refuses
them in a final convention. So that the secretariat sees at a glance what is left to
fill, every such placeholder in the body is set on a yellow highlight: its run is split
so that only the placeholder is marked.
"""

from __future__ import annotations

import copy

from lxml import etree

# Only placeholders inside a sentence: a run holding « … » alone is typography, not a blank to fill.
from paraphe.placeholders import INLINE

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Elements of w:rPr that come after w:highlight in the schema's sequence.
_AFTER_HIGHLIGHT = {
    f"{{{W}}}{name}"
    for name in (
        "u",
        "effect",
        "bdr",
        "shd",
        "fitText",
        "vertAlign",
        "rtl",
        "cs",
        "em",
        "lang",
        "eastAsianLayout",
        "specVanish",
        "oMath",
    )
}


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def marked_body(body: bytes, root: etree._Element) -> bytes:
    """The document's body (`body`, parsed as `root`) with its placeholders highlighted; `body` itself
    when there are none. `root` is changed in place: it is then the marked body's tree."""
    if not INLINE.search(body.decode("utf-8")):
        return body
    for run in list(root.iter(_w("r"))):
        _split(run)
    marked: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return marked


def _split(run: etree._Element) -> None:
    """Replace a run of plain text by runs alternating plain text and highlighted placeholders."""
    children = [c for c in run if c.tag != _w("rPr")]
    if len(children) != 1 or children[0].tag != _w("t") or not children[0].text:
        return
    text = children[0].text
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in INLINE.finditer(text):
        if match.start() > last:
            pieces.append((text[last : match.start()], False))
        pieces.append((match.group(), True))
        last = match.end()
    if not any(marked for _, marked in pieces):
        return
    if last < len(text):
        pieces.append((text[last:], False))
    properties = run.find(_w("rPr"))
    parent = run.getparent()
    assert parent is not None
    position = parent.index(run)
    for offset, (piece, marked) in enumerate(pieces):
        new = etree.Element(_w("r"))
        if properties is not None or marked:
            rpr = copy.deepcopy(properties) if properties is not None else etree.Element(_w("rPr"))
            if marked:
                _highlight(rpr)
            new.append(rpr)
        t = etree.SubElement(new, _w("t"))
        t.text = piece
        t.set(XML_SPACE, "preserve")
        parent.insert(position + offset, new)
    parent.remove(run)


def _highlight(rpr: etree._Element) -> None:
    existing = rpr.find(_w("highlight"))
    if existing is not None:
        rpr.remove(existing)
    mark = etree.Element(_w("highlight"))
    mark.set(_w("val"), "yellow")
    following = next((i for i, child in enumerate(rpr) if child.tag in _AFTER_HIGHLIGHT), None)
    if following is None:
        rpr.append(mark)
    else:
        rpr.insert(following, mark)
