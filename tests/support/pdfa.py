"""Checks of ISO 19005-2 (PDF/A-2) clauses that can be tested here, with independent readers.

No veraPDF can be installed on these machines: each function checks what one clause asks,
through poppler (pdffonts), qpdf, or the file's objects as pypdf reads them, and returns
what breaks it (an empty list when the file complies). The tests name the clause.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from support import require

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
NS = {
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}
# ISO 32000-1, 11.3.5: the blend modes PDF/A-2 allows (6.2.10).
BLEND_MODES = {
    "/Normal", "/Compatible", "/Multiply", "/Screen", "/Overlay", "/Darken", "/Lighten", "/ColorDodge",
    "/ColorBurn", "/HardLight", "/SoftLight", "/Difference", "/Exclusion", "/Hue", "/Saturation", "/Color",
    "/Luminosity",
}  # fmt: skip
# 6.5.1: actions a PDF/A-2 file shall not hold.
FORBIDDEN_ACTIONS = {
    "/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/Hide", "/SetOCGState", "/Rendition",
    "/Trans", "/GoTo3DView", "/JavaScript",
}  # fmt: skip


def objects(reader: PdfReader) -> Iterator[Any]:
    """Every object reachable from the trailer, once each (as pypdf resolves the latest revision)."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        yield item
        if isinstance(item, DictionaryObject):  # stream dictionaries too
            stack.extend(v for k, v in item.items() if k != "/Parent")
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def dictionaries(reader: PdfReader) -> Iterator[DictionaryObject]:
    return (o for o in objects(reader) if isinstance(o, DictionaryObject))


def xmp_tree(reader: PdfReader) -> etree._Element:
    metadata = reader.root_object["/Metadata"].get_object()
    return etree.fromstring(metadata.get_data())


def xmp_value(tree: etree._Element, prefix: str, name: str) -> str | None:
    """A simple property, as an attribute or an element of any rdf:Description; or an array's first item."""
    qualified = f"{{{NS[prefix]}}}{name}"
    for description in tree.iter(f"{RDF}Description"):
        if qualified in description.attrib:
            return str(description.attrib[qualified])
        element = description.find(qualified)
        if element is not None:
            items = element.findall(f".//{RDF}li")
            return str(items[0].text or "") if items else str(element.text or "")
    return None


def xmp_items(tree: etree._Element, prefix: str, name: str) -> list[str]:
    element = next((d.find(f"{{{NS[prefix]}}}{name}") for d in tree.iter(f"{RDF}Description")), None)
    return [str(li.text or "") for li in element.iter(f"{RDF}li")] if element is not None else []


def pdf_date(value: str) -> dt.datetime:
    """A PDF date (D:YYYYMMDDHHmmSS, Z or ±HH'mm') as an instant."""
    found = re.fullmatch(r"D:(\d{14})(Z|[+-]\d\d'?\d\d'?)?", value.replace("Z00'00'", "Z"))
    assert found, value
    moment = dt.datetime.strptime(found.group(1), "%Y%m%d%H%M%S")
    zone = found.group(2) or "Z"
    if zone == "Z":
        return moment.replace(tzinfo=dt.UTC)
    sign = 1 if zone[0] == "+" else -1
    hours, minutes = int(zone[1:3]), int(zone.replace("'", "")[3:5])
    return moment.replace(tzinfo=dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes)))


def fonts(pdf: Path) -> list[dict[str, str]]:
    """pdffonts' table: one dict per font (name, type, emb, sub, uni)."""
    out = subprocess.run([require("pdffonts"), str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        columns = line.split()
        # name (may be [none]), type (one or more words), encoding, emb, sub, uni, object, generation
        emb, sub, uni = columns[-5], columns[-4], columns[-3]
        rows.append({"name": columns[0], "emb": emb, "sub": sub, "uni": uni, "line": line})
    return rows


def qpdf_check(pdf: Path) -> str:
    done = subprocess.run([require("qpdf"), "--check", str(pdf)], capture_output=True, text=True, check=False)
    return done.stdout + done.stderr if done.returncode != 0 else ""


def is_stream(value: Any) -> bool:
    return isinstance(value.get_object() if value is not None else None, StreamObject)
