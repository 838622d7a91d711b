"""LibreOffice's structure tree set aside while qpdf assembles the rest (structure_aside), on a body LibreOffice
converted here: the finished file's tree is the one assembly through qpdf alone writes, Form elements included.

The attacks (a file not as LibreOffice writes it): an object outside the tree that points into it would be
left pointing to a number qpdf no longer writes; a tree element that points out to something other than a
page or an annotation would be left pointing to a number given to another object; an incremental update
would be read as its first revision; a reference written otherwise than « N 0 R » (other spacing, a
comment, another generation) or a dictionary cut short at a string's « stream » would escape the reading of
references; an object after the table would not be read at all. Each is refused (the file goes through
qpdf whole), and the finished file is still the one qpdf alone writes. A file that cannot be read so is
refused without an error. (Found by a review; each was a file spliced wrong before.)
"""

from __future__ import annotations

import dataclasses
import gc
import io
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

import paraphe.assemble as assembly
from paraphe.assemble import assemble, structure_aside
from paraphe.assemble.structure_aside import StructureAside, set_aside
from paraphe.convert import Document, convert_documents
from paraphe.manifest.convention import load_convention
from paraphe.manifest.model import Convention
from paraphe.render.docx import render_docx

MINIMAL = Path(__file__).resolve().parent.parent / "manifests" / "minimal" / "sdsf-mini.yaml"


@pytest.fixture(scope="module")
def convention() -> Convention:
    return load_convention(MINIMAL)


@pytest.fixture(autouse=True)
def any_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    """The small document's tree set aside too (a larger one is set aside at any rate)."""
    monkeypatch.setattr(structure_aside, "SMALLEST_TREE", 1)


@pytest.fixture(scope="module")
def body(convention: Convention, soffice: str) -> bytes:
    (converted,) = convert_documents([Document("sdsf-mini.yaml", render_docx(convention))])
    assert isinstance(converted, bytes)
    return converted


def _built(convention: Convention, body: bytes, monkeypatch: pytest.MonkeyPatch, *, aside: bool) -> tuple[bytes, int]:
    """The finished file, and how often the tree was put back in it."""
    splices = []
    original = StructureAside.spliced

    def spliced(self: StructureAside, written: bytes, pdf: pikepdf.Pdf) -> bytes:
        splices.append(1)
        return original(self, written, pdf)

    with monkeypatch.context() as patch:
        patch.setattr(StructureAside, "spliced", spliced)
        if not aside:
            patch.setattr(assembly, "set_aside", lambda body: None)
        return assemble(convention, body, "sdsf-mini.yaml").pdf, len(splices)


def _tree(data: bytes) -> tuple[str, list[object], list[object], str]:
    """The structure tree as its references lead (pages and annotations by place, other objects by the order
    first met), the pages' /StructParents and /Tabs, the annotations' /StructParent, the catalog's /MarkInfo."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        annotations = {
            annotation.objgen: (index, place)
            for index, page in enumerate(pdf.pages)
            for place, annotation in enumerate(page.obj.get("/Annots", []))
        }
        met: dict[tuple[int, int], int] = {}

        def shown(value: object) -> str:
            if isinstance(value, pikepdf.Object) and value.is_indirect:
                if value.objgen in pages:
                    return f"page {pages[value.objgen]}"
                if value.objgen in annotations:
                    return f"annotation {annotations[value.objgen]}"
                if value.objgen in met:
                    return f"#{met[value.objgen]}"
                met[value.objgen] = len(met)
            if isinstance(value, pikepdf.Dictionary):
                return "{" + ",".join(f"{key}:{shown(value[key])}" for key in sorted(value.keys())) + "}"
            if isinstance(value, pikepdf.Array):
                return "[" + ",".join(shown(item) for item in value) + "]"
            return repr(value)

        tree = shown(pdf.Root.StructTreeRoot)
        parents = [(page.obj.get("/StructParents"), page.obj.get("/Tabs")) for page in pdf.pages]
        marks = [pdf.get_object(objgen).get("/StructParent") for objgen in annotations]
        return tree, parents, marks, str(pdf.Root.get("/MarkInfo"))


def _qpdf_check(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "checked.pdf"
    path.write_bytes(data)
    checked = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No syntax or stream encoding errors" in checked.stdout


@pytest.mark.parametrize("status", ["final", "draft"])
def test_the_tree_set_aside_is_the_tree_qpdf_writes(
    convention: Convention, body: bytes, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, status: str
) -> None:
    convention = dataclasses.replace(convention, status=status)
    aside, splices = _built(convention, body, monkeypatch, aside=True)
    whole, none = _built(convention, body, monkeypatch, aside=False)
    assert (splices, none) == (1, 0)
    assert _tree(aside) == _tree(whole)
    tree, _parents, marks, _info = _tree(aside)
    forms = tree.count("/S:" + repr(pikepdf.Name.Form))
    assert forms == (len(convention.signatories) if status == "final" else 0)
    assert len(marks) == forms and all(mark is not None for mark in marks)
    _qpdf_check(aside, tmp_path)
    with pikepdf.open(io.BytesIO(aside)) as pdf, pikepdf.open(io.BytesIO(whole)) as other:
        assert len(pdf.objects) == len(other.objects)
        assert len(pdf.pages) == len(other.pages)


def test_a_document_whose_tree_was_set_aside_is_freed_at_once(
    convention: Convention, body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No reference cycle through the tree set aside, which the document carries: qpdf's copy of an SDSF is freed
    as its assembly ends, not when Python's collector runs."""
    gc.collect()
    gc.disable()
    try:
        _, splices = _built(convention, body, monkeypatch, aside=True)
        alive = [o for o in gc.get_objects() if isinstance(o, pikepdf.Pdf)]
    finally:
        gc.enable()
    assert splices == 1 and alive == []


def test_the_same_inputs_give_the_same_bytes(
    convention: Convention, body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = _built(convention, body, monkeypatch, aside=True)
    second, _ = _built(convention, body, monkeypatch, aside=True)
    assert first == second


def _same_length(data: bytes, old: bytes, new: bytes) -> bytes:
    """`data` with `old`, found once, replaced by `new` padded to its length (the cross-references stay true)."""
    assert data.count(old) == 1 and len(new) <= len(old)
    return data.replace(old, new.ljust(len(old)))


def _tree_root(body: bytes) -> int:
    return int(re.search(rb"/StructTreeRoot (\d+) 0 R", body).group(1))  # type: ignore[union-attr]


def _document_element(body: bytes) -> int:
    root = _tree_root(body)
    start = body.index(b"\n%d 0 obj" % root)
    return int(re.search(rb"/K\s*\[?\s*(\d+) 0 R", body[start : body.index(b"endobj", start)]).group(1))  # type: ignore[union-attr]


def test_an_object_outside_the_tree_that_points_into_it_sends_the_file_to_qpdf_whole(
    convention: Convention, body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attack: the catalog points to the document element besides /StructTreeRoot; set aside, the element
    would be a number qpdf no longer reads, and the catalog's entry would be lost."""
    assert set_aside(body) is not None
    document = _document_element(body)
    pointing = _same_length(body, b"/Lang(fr-FR)", b"/SE %d 0 R" % document)
    assert set_aside(pointing) is None
    built, splices = _built(convention, pointing, monkeypatch, aside=True)
    assert splices == 0
    with pikepdf.open(io.BytesIO(built)) as pdf:
        assert pdf.Root.SE.S == "/Document"


def test_a_tree_that_points_out_to_neither_page_nor_annotation_sends_the_file_to_qpdf_whole(
    convention: Convention, body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attack: a structure element's /Pg points to an object that is neither a page nor an annotation;
    set aside, that number would be given to another object of the finished file (or to none)."""
    aside = set_aside(body)
    assert aside is not None
    with pikepdf.open(io.BytesIO(body)) as pdf:
        pages = {page.obj.objgen[0] for page in pdf.pages}
        count = len(pdf.objects)
    page = max(re.finditer(rb"/Pg (\d+) 0 R", body), key=lambda found: len(found.group(1)))
    other = next(n for n in range(1, count) if n not in pages and n not in aside[1].spans and str(n).isdigit())
    pointing = body[: page.start()] + (b"/Pg %d 0 R" % other).ljust(len(page.group())) + body[page.end() :]
    pointed = set_aside(pointing)
    assert pointed is not None and other in pointed[1].targets
    built, splices = _built(convention, pointing, monkeypatch, aside=True)
    whole, _ = _built(convention, pointing, monkeypatch, aside=False)
    assert splices == 0
    assert _tree(built) == _tree(whole)


def test_an_incremental_update_is_not_set_aside(body: bytes) -> None:
    """The attack: with /Prev, objects of an earlier revision would be read as if they were the last's."""
    start = body.rindex(b"trailer")
    updated = body[:start] + body[start:].replace(b"/Root", b"/Prev 0/Root", 1)
    assert set_aside(updated) is None


def test_an_object_not_where_the_table_says_is_not_set_aside(body: bytes) -> None:
    document = _document_element(body)
    moved = body.replace(b"\n%d 0 obj\n" % document, b"\n%d 0 obj \n" % document, 1)
    assert set_aside(moved) is None


@pytest.mark.parametrize("written", [b"/SE %d  0 R", b"/SE %d 0\nR", b"/SE %d 0 %%\nR"])
def test_a_reference_into_the_tree_written_otherwise_sends_the_file_to_qpdf_whole(
    convention: Convention, body: bytes, monkeypatch: pytest.MonkeyPatch, written: bytes
) -> None:
    pointing = _same_length(body, b"/Lang(fr-FR)", written % _document_element(body))
    assert set_aside(pointing) is None
    built, splices = _built(convention, pointing, monkeypatch, aside=True)
    assert splices == 0
    with pikepdf.open(io.BytesIO(built)) as pdf:
        assert pdf.Root.SE.S == "/Document"


def test_a_reference_out_of_the_tree_written_otherwise_sends_the_file_to_qpdf_whole(body: bytes) -> None:
    document = _document_element(body)
    start = body.index(b"\n%d 0 obj" % document)
    page = re.search(rb"/Pg (\d+) 0 R", body[start : body.index(b"endobj", start)])
    assert page is not None
    at = start + page.end() - 2  # the space before « R »
    assert set_aside(body[:at] + b"\n" + body[at + 1 :]) is None


def _entry(data: bytes, number: int) -> int:
    """Where object `number`'s entry in the file's cross-reference table begins."""
    table = data.rindex(b"\nxref\n") + 1
    return data.index(b"\n", data.index(b"\n", table) + 1) + 1 + 20 * number


def test_a_page_of_another_generation_is_not_set_aside(body: bytes) -> None:
    """The attack: « 1 1 R » is not read as a reference to page 1, which would then be given another number."""
    with pikepdf.open(io.BytesIO(body)) as pdf:
        page = pdf.pages[0].obj.objgen[0]
    other = re.sub(rb"(?<![0-9])%d 0 (R|obj)" % page, lambda found: b"%d 1 " % page + found.group(1), body)
    line = _entry(other, page)
    other = other[: line + 11] + b"00001" + other[line + 16 :]
    with pikepdf.open(io.BytesIO(other)) as pdf:  # qpdf reads it as it is
        assert pdf.pages[0].obj.objgen == (page, 1) and not pdf.get_warnings()
    assert set_aside(other) is None


def test_a_dictionary_whose_string_holds_stream_is_not_cut_there() -> None:
    from paraphe.assemble.structure_aside import _dictionary_part

    page = b"1 0 obj\n<</Title(upstream)/SE 4 0 R>>\nendobj\n"
    assert _dictionary_part(page, 0, len(page)) is None
    stream = b"2 0 obj\n<</Length 5>>\nstream\n4 0 R\nendstream\nendobj\n"
    assert _dictionary_part(stream, 0, len(stream)) == b"2 0 obj\n<</Length 5>>\n"


def test_an_object_after_the_table_is_not_set_aside(body: bytes) -> None:
    """The attack: an object the table places after itself was read by qpdf but by no check here."""
    with pikepdf.open(io.BytesIO(body)) as pdf:
        page = pdf.pages[0].obj.objgen[0]
    start = body.index(b"\n%d 0 obj" % page) + 1
    copy = body[start : body.index(b"endobj", start) + 6].replace(
        b"<</Type/Page", b"<</Type/Page/SE %d 0 R" % _document_element(body), 1
    )
    line = _entry(body, page)
    moved = body[:line] + b"%010d" % len(body) + body[line + 10 :] + copy + b"\n%%EOF\n"
    with pikepdf.open(io.BytesIO(moved)) as pdf:  # qpdf reads it as it is
        assert "/SE" in pdf.pages[0].obj and not pdf.get_warnings()
    assert set_aside(moved) is None


@pytest.mark.parametrize("broken", ["a parent tree beyond the table", "an offset that is no number"])
def test_a_file_that_cannot_be_read_so_is_refused_without_an_error(
    convention: Convention, body: bytes, monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    if broken == "a parent tree beyond the table":
        found = re.search(rb"/ParentTree (\d+) 0 R", body)
        assert found is not None
        odd = body.replace(found.group(0), b"/ParentTree %s 0 R" % (b"9" * len(found.group(1))), 1)
    else:
        line = _entry(body, 1)
        odd = body[:line] + b"x" + body[line + 1 :]
    assert set_aside(odd) is None
    if broken == "a parent tree beyond the table":
        _built(convention, odd, monkeypatch, aside=True)  # assembled, through qpdf whole
