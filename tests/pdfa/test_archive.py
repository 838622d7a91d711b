"""What paraphe adds stays archival and accessible: footers and stamps in embedded fonts whose
widths are the program's, decoration marked as artifacts, a watermark that is no text, the
title shown, and a PDF/A claim only when every page allows it (never a false one)."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from fontTools.ttLib import TTFont
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject

from paraphe.cli.main import cli
from support import MINIMAL, flat, pdf_text, require
from support.documents import ANNEXED, make_annex_pdf
from support.pdfa import xmp_tree, xmp_value


def test_footers_and_watermark_are_artifacts_outside_the_structure(archived: dict[str, Path]) -> None:
    """Decoration (ISO 32000-1, 14.8.2.2): page numbers, fingerprint and « PROJET » are artifacts, never tagged."""
    for label in ("sdsf", "ctg-draft"):
        for page in PdfReader(archived[label]).pages:
            content = b"\n".join(bytes(s.get_object().get_data()) for s in page["/Contents"].get_object())
            ours = re.findall(rb"/Artifact <</Type /Pagination /Subtype /(\w+)>> BDC (.*?) EMC", content, re.DOTALL)
            assert [kind for kind, _ in ours] == [b"Watermark", b"Footer", b"Footer"][label != "ctg-draft" :]
            assert all(b"/MCID" not in drawn and b"BDC" not in drawn for _, drawn in ours)
            assert any(b"Tj" in drawn for _, drawn in ours)  # the footers are real text, in the embedded font


def test_the_watermark_is_no_text_but_still_shows(archived: dict[str, Path]) -> None:
    """pdftotext of a draft shows no « PR », « OJ », « ET » pieces; the page still shows the red mark."""
    text = pdf_text(archived["ctg-draft"])
    assert not re.search(r"^\s*(PR|OJ|ET|PROJET)\s*$", text, re.MULTILINE)
    assert "PROJET" not in text
    pixels = subprocess.run(
        [require("pdftoppm"), "-r", "20", "-f", "2", "-l", "2", str(archived["ctg-draft"])],
        check=True,
        capture_output=True,
    ).stdout
    body = pixels[pixels.index(b"255\n") + 4 :]
    rgb = [tuple(body[i : i + 3]) for i in range(0, len(body) - 2, 3)]
    pink = [p for p in rgb if p[0] > 225 and 180 < p[1] < 225 and abs(p[1] - p[2]) < 12]
    assert len(pink) > 200, "no translucent red « PROJET » on the page"


def test_sdsf_text_reads_in_document_order(archived: dict[str, Path]) -> None:
    """Reading order: the themes come out of the text extraction in the document's order, footers at the end."""
    text = flat(pdf_text(archived["sdsf"]))
    themes = ["Petite enfance", "Parentalité", "Animation de la vie sociale", "Accès aux droits", "Mobilité"]
    places = [text.find(f"Thématique : {theme}") for theme in themes]
    assert min(places) >= 0 and places == sorted(places), places
    first_page = flat(pdf_text(archived["sdsf"], first=1, last=1))
    assert first_page.endswith("1 / 23") or "1 / 23" in first_page[-120:]


def winansi(code: int) -> str | None:
    """What WinAnsiEncoding puts at `code` (cp1252; DEL and its five holes: nothing)."""
    try:
        return None if code == 0x7F else bytes([code]).decode("cp1252")
    except UnicodeDecodeError:
        return None


def _check_widths(font: DictionaryObject) -> list[str]:
    """A font's /Widths or /W against the advance widths of its embedded program (6.2.11.5)."""
    descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
    program = TTFont(io.BytesIO(descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()))
    per_em = program["head"].unitsPerEm
    advances = [program["hmtx"][name][0] * 1000 / per_em for name in program.getGlyphOrder()]
    wrong = []
    if "/W" in descendant:  # CIDToGIDMap /Identity: the CID is the glyph
        entries = list(descendant["/W"])
        for first, widths in zip(entries[::2], entries[1::2], strict=True):
            for offset, width in enumerate(widths):
                if abs(float(width) - advances[int(first) + offset]) > 1:
                    wrong.append(f"CID {int(first) + offset}: {width} ≠ {advances[int(first) + offset]:.0f}")
    else:
        cmap = program.getBestCmap()
        for offset, width in enumerate(font["/Widths"]):
            code = int(font["/FirstChar"]) + offset
            char = winansi(code)  # paraphe's stamps font is WinAnsi-encoded
            point = ord(char) if char is not None else None
            expected = program["hmtx"][cmap[point]][0] * 1000 / per_em if point in cmap else 0
            if abs(float(width) - expected) > 1:
                wrong.append(f"{char!r} ({code:#x}): {width} ≠ {expected:.0f}")
    return wrong


def test_6_2_11_5_paraphe_fonts_widths_are_the_programs(archived: dict[str, Path]) -> None:
    """6.2.11.5: the widths paraphe writes (footer font, pyHanko's stamp fonts) match the embedded glyphs."""
    checked = 0
    for page in PdfReader(archived["sdsf-signed"]).pages:
        for annotation in page.get("/Annots", []):
            appearance = annotation.get_object().get("/AP", {}).get("/N")
            for holder in [page, *([appearance.get_object()] if appearance is not None else [])]:
                for font in _fonts_under(holder.get("/Resources")):
                    assert _check_widths(font) == []
                    checked += 1
    assert checked > 7  # the footer font and one stamp font per signature at least


def _fonts_under(resources: object, depth: int = 0) -> list[DictionaryObject]:
    if resources is None or depth > 4:
        return []
    resources = resources.get_object()  # type: ignore[attr-defined]
    found = [f.get_object() for f in resources.get("/Font", {}).values()]
    found = [f for f in found if str(f.get("/BaseFont", "")).startswith("/PRPHAA+") or "/DescendantFonts" in f]
    for xobject in resources.get("/XObject", {}).values():
        found += _fonts_under(xobject.get_object().get("/Resources"), depth + 1)
    return found


def test_title_language_bookmarks_and_tags_for_assistive_technology(archived: dict[str, Path]) -> None:
    """The window shows the title (DisplayDocTitle), the language is French, bookmarks open, the PDF is tagged."""
    for label in ("sdsf", "ctg-draft", "sdsf-signed"):
        root = PdfReader(archived[label]).root_object
        assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
        assert root["/Lang"] == "fr-FR"
        assert root["/PageMode"] == "/UseOutlines" and "/Outlines" in root
        assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root


# --- The claim follows the pages ---------------------------------------------------------------


def _minimal_with_annex(tmp_path: Path, annex: bytes | None) -> Path:
    folder = tmp_path / "conventions" / "essai"
    folder.mkdir(parents=True)
    manifest = folder / "sdsf-mini.yaml"
    manifest.write_text(MINIMAL.read_text(encoding="utf-8").replace(*ANNEXED), encoding="utf-8")
    annex_path = folder / "annexes" / "deliberation.pdf"
    if annex is None:
        make_annex_pdf(annex_path, "DELIBERATION")  # LibreOffice: PDF/A-2b, as paraphe converts
    else:
        annex_path.parent.mkdir(parents=True)
        annex_path.write_bytes(annex)
    return manifest


def _plain_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _build(manifest: Path, out: Path, *options: str) -> tuple[str, Path]:
    result = CliRunner().invoke(cli, ["build", str(manifest), "--out", str(out), *options])
    assert result.exit_code == 0, result.output
    return result.output, out / "essai" / "sdsf-mini.pdf"


def test_a_pdfa_annex_keeps_the_claim(tmp_path: Path, soffice: str) -> None:
    output, pdf = _build(_minimal_with_annex(tmp_path, None), tmp_path / "build")
    assert "annex.not-pdfa" not in output
    assert xmp_value(xmp_tree(PdfReader(pdf)), "pdfaid", "part") == "2"


def test_an_annex_that_is_not_pdfa_is_reported_and_no_claim_is_made(tmp_path: Path, soffice: str) -> None:
    """The attack: a plain PDF slipped in as an annex would make a false PDF/A claim. It is named, where it is
    declared, and the built file claims nothing (no pdfaid), though its XMP still says what it is."""
    manifest = _minimal_with_annex(tmp_path, _plain_pdf())
    output, pdf = _build(manifest, tmp_path / "build")
    line = next(line for line in output.splitlines() if "annex.not-pdfa" in line)
    assert re.search(r"sdsf-mini\.yaml:\d+:\d+: warning: annex 'deliberation\.pdf' is not PDF/A", line), line
    tree = xmp_tree(PdfReader(pdf))
    assert xmp_value(tree, "pdfaid", "part") is None and xmp_value(tree, "pdfaid", "conformance") is None
    assert xmp_value(tree, "dc", "title")
    # Built again, the same bytes: LibreOffice's sRGB profile, dated at each export, is replaced even so.
    _output, again = _build(manifest, tmp_path / "again")
    assert again.read_bytes() == pdf.read_bytes()


def test_no_pdfa_switch_makes_a_plain_pdf(tmp_path: Path, soffice: str) -> None:
    """`build --no-pdfa`: LibreOffice's plain export, no PDF/A claim, no output intent; the metadata stays."""
    output, pdf = _build(_minimal_with_annex(tmp_path, None), tmp_path / "build", "--no-pdfa")
    reader = PdfReader(pdf)
    assert xmp_value(xmp_tree(reader), "pdfaid", "part") is None
    assert "/OutputIntents" not in reader.root_object
    assert reader.root_object["/Lang"] == "fr-FR"


@pytest.mark.parametrize("label", ["sdsf", "sdsf-signed"])
def test_sizes_stay_reasonable(archived: dict[str, Path], label: str) -> None:
    """The footer font is embedded once per document (a subset of a few kilobytes), not once per page."""
    reader = PdfReader(archived[label])
    fonts = {
        f.idnum
        for page in reader.pages
        for f in page["/Resources"].get_object().get("/Font", {}).values()
        if str(f.get_object().get("/BaseFont", "")).startswith("/PRPHAA+")
    }
    assert len(fonts) == 1
    program = next(iter(reader.pages)).get("/Resources")["/Font"]["/ParapheF"]["/FontDescriptor"]["/FontFile2"]
    assert len(program.get_object().get_data()) < 60_000


# --- Structure for assistive technology --------------------------------------------------------


def _structure(reader: PdfReader) -> list[DictionaryObject]:
    """Every structure element, in document order, each with its standard type in /S_std."""
    tree = reader.root_object["/StructTreeRoot"].get_object()
    roles = tree.get("/RoleMap", {})
    found: list[DictionaryObject] = []

    def walk(element: DictionaryObject) -> None:
        kids = element.get("/K")
        kids = kids.get_object() if kids is not None else []
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object()
            if isinstance(kid, DictionaryObject) and "/S" in kid:
                found.append(kid)
                walk(kid)

    walk(tree)
    for element in found:
        element[NameObject("/S_std")] = NameObject(roles.get(element["/S"], element["/S"]))
    return found


def _children(element: DictionaryObject, kind: str) -> list[DictionaryObject]:
    kids = element.get("/K")
    kids = kids.get_object() if kids is not None else []
    elements = [k.get_object() for k in (kids if isinstance(kids, list) else [kids])]
    roles_of = [e for e in elements if isinstance(e, DictionaryObject) and "/S" in e]
    return [e for e in roles_of if e.get("/S_std", e["/S"]) == kind]


def test_charts_carry_the_manifests_figures_as_alternative_text(archived: dict[str, Path]) -> None:
    """Each chart (Figure) has an /Alt that says, in words, the figures of its block in the manifest."""
    figures = [e for e in _structure(PdfReader(archived["sdsf"])) if e["/S_std"] == "/Figure"]
    alternatives = [flat(str(f.get("/Alt", ""))) for f in figures]
    assert len(figures) == 5 and all(a.startswith("Graphique – ") for a in alternatives), alternatives
    assert "Graphique – Taux de natalité : Lozère : 8,8 ‰ ; France : 11,4 ‰" in alternatives


def test_data_tables_start_with_a_header_row(archived: dict[str, Path]) -> None:
    """A table of data (more than one row; not the layout of the signature blocks) starts with TH cells."""
    elements = _structure(PdfReader(archived["sdsf"]))
    tables = [e for e in elements if e["/S_std"] == "/Table"]
    checked = 0
    for table in tables:
        rows = _children(table, "/TR")
        signatures = any(str(e["/S"]).startswith("/Signature") for e in _descendants(table))
        if len(rows) < 2 or signatures:
            continue
        assert _children(rows[0], "/TH") and not _children(rows[0], "/TD"), table
        checked += 1
    assert checked >= 10


def _descendants(element: DictionaryObject) -> list[DictionaryObject]:
    kids = element.get("/K")
    kids = kids.get_object() if kids is not None else []
    found = []
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object()
        if isinstance(kid, DictionaryObject) and "/S" in kid:
            found += [kid, *_descendants(kid)]
    return found


@pytest.mark.parametrize("label", ["sdsf", "sdsf-signed"])
def test_signature_fields_are_form_elements_of_the_structure(archived: dict[str, Path], label: str) -> None:
    """The structure tree covers the fields paraphe adds: each visible signature field is a Form element
    (object reference to its widget, its tooltip as /Alt), found from the widget through the parent tree."""
    reader = PdfReader(archived[label])
    tree = reader.root_object["/StructTreeRoot"].get_object()
    numbers = list(tree["/ParentTree"].get_object()["/Nums"])
    parents = {int(k): v.get_object() for k, v in zip(numbers[::2], numbers[1::2], strict=True)}
    widgets = [
        (page, a.get_object())
        for page in reader.pages
        for a in page.get("/Annots", [])
        if a.get_object().get("/FT") == "/Sig" and float(a.get_object()["/Rect"][2]) > 0
    ]
    assert len(widgets) == 7
    for page, widget in widgets:
        form = parents[int(widget["/StructParent"])]
        assert form["/S"] == "/Form" and form["/Alt"] == widget["/TU"]
        assert form["/K"]["/Obj"].get_object() is widget
        assert page["/Tabs"] == "/S"
    assert int(tree["/ParentTreeNextKey"]) > max(parents)
