"""Assembly of a body made here (as LibreOffice would convert it): where the signature fields go, and memory.

The attack: a template puts an annex's cover before the signature page, and the annex file (an outside
PDF) prints a signatory's name. Located after the annexes were inserted, the body's page numbers no longer
matched the pages, and the field was drawn where the annex printed the name (or the build failed). Located
on the body alone, the annex is never read for it.
"""

from __future__ import annotations

import dataclasses
import gc
import io
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf

from paraphe.assemble import assemble
from paraphe.assemble.qpdf import pdf_bytes
from paraphe.diagnostics import Location
from paraphe.manifest.convention import load_convention
from paraphe.manifest.model import Annex, Convention
from paraphe.render.blocks import annex_heading
from paraphe.render.typography import fr_text

MINIMAL = Path(__file__).resolve().parent.parent / "manifests" / "minimal" / "sdsf-mini.yaml"
ANNEX_TITLE = "Pièces jointes"
NAME_Y, ANNEX_NAME_Y = 600.0, 150.0


def _font(pdf: Pdf, text: str) -> tuple[Dictionary, dict[str, int]]:
    """A font whose ToUnicode map gives each character of `text` a one-byte code of its own."""
    codes = {char: number for number, char in enumerate(sorted(set(text)), 1)}
    entries = "".join(f"<{code:02X}> <{ord(char):04X}>\n" for char, code in codes.items())
    cmap = (
        "begincmap\n1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
        f"{len(codes)} beginbfchar\n{entries}endbfchar\nendcmap"
    )
    font = Dictionary(
        Type=Name.Font, Subtype=Name.TrueType, BaseFont=Name("/BAAAAA+LiberationSans"), FirstChar=0,
        LastChar=255, Widths=Array([500] * 256), ToUnicode=pdf.make_stream(cmap.encode()),
    )  # fmt: skip
    return font, codes


def _page(pdf: Pdf, lines: list[tuple[str, float]], text: str) -> pikepdf.Page:
    font, codes = _font(pdf, text)
    shown = " ".join(f"BT 60 {y} Td /F1 10 Tf <{''.join(f'{codes[c]:02X}' for c in line)}> Tj ET" for line, y in lines)
    page = Dictionary(
        Type=Name.Page, MediaBox=Array([0, 0, 595.3, 841.9]), Resources=Dictionary(Font=Dictionary(F1=font)),
        Contents=pdf.make_stream(shown.encode()),
    )  # fmt: skip
    return pikepdf.Page(pdf.make_indirect(page))


def _body(convention: Convention) -> bytes:
    """As LibreOffice would convert it: the annex's cover, then the signature page, headings as bookmarks."""
    names = [fr_text(s.name) for s in convention.signatories]
    cover, signatures = annex_heading(1, ANNEX_TITLE), "Signatures"
    text = "".join([cover, signatures, *names])
    pdf = Pdf.new()
    pdf.pages.append(_page(pdf, [(cover, 780.0)], text))
    pdf.pages.append(_page(pdf, [(signatures, 780.0)] + [(n, NAME_Y - 100 * i) for i, n in enumerate(names)], text))
    items = [
        pdf.make_indirect(Dictionary(Title=pikepdf.String(title), Dest=Array([pdf.pages[index].obj, Name.Fit])))
        for index, title in enumerate((cover, signatures))
    ]
    outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, First=items[0], Last=items[1], Count=2))
    items[0].Next, items[1].Prev = items[1], items[0]
    for item in items:
        item.Parent = outlines
    pdf.Root.Outlines = outlines
    return pdf_bytes(pdf)


def _annex(name: str) -> bytes:
    """An outside PDF that prints a signatory's name, elsewhere on its page."""
    pdf = Pdf.new()
    pdf.pages.append(_page(pdf, [(name, ANNEX_NAME_Y)], name))
    return pdf_bytes(pdf)


def test_fields_stay_on_the_signature_page_when_an_annex_comes_before_it(tmp_path: Path) -> None:
    convention = load_convention(MINIMAL)
    annex_file = tmp_path / "pieces.pdf"
    annex = Annex(ANNEX_TITLE, annex_file, None, Location(str(MINIMAL)))
    convention = dataclasses.replace(convention, annexes=(annex,))
    first = fr_text(convention.signatories[0].name)
    annexes = {annex_file: (_annex(first), [])}

    built = assemble(convention, _body(convention), "sdsf-mini", annexes=annexes)

    with pikepdf.open(io.BytesIO(built.pdf)) as pdf:
        assert len(pdf.pages) == 3  # the cover, the annex's page, the signature page
        widgets = [a for page in pdf.pages for a in page.obj.get("/Annots", []) if a.get("/FT") == Name.Sig]
        assert len(widgets) == len(convention.signatories)
        signature_page = pdf.pages[2].obj.objgen
        assert all(w.P.objgen == signature_page for w in widgets)
        bottoms = sorted(float(w.Rect[1]) for w in widgets)
        assert bottoms == sorted(NAME_Y - 100 * i + 10 + 2 for i in range(len(widgets)))


def test_an_assembled_document_is_freed_at_once(tmp_path: Path) -> None:
    """No reference cycle keeps qpdf's copy of a document (10 MB for an SDSF) alive after its assembly:
    the outline's reader once did, and a worker's memory grew with each document until Python's collector ran."""
    convention = load_convention(MINIMAL)
    body = _body(convention)
    gc.collect()
    gc.disable()
    try:
        assemble(convention, body, "sdsf-mini")
        alive = [o for o in gc.get_objects() if isinstance(o, pikepdf.Pdf)]
    finally:
        gc.enable()
    assert alive == []
