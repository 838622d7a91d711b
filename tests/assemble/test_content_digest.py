"""The content digest assembly reads with qpdf is the one `sign` and `verify` compute with pypdf.

Every file here is written by qpdf the way assembly writes, then digested both ways. Every build the
test suite makes is also checked both ways (tests/conftest.py sets PARAPHE_CHECK_DIGEST).
"""

from __future__ import annotations

import base64
import contextlib
import io
import zlib
from dataclasses import replace

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String
from pypdf import PdfReader

from paraphe.assemble import content
from paraphe.assemble.content import NotCovered, _quick_digest, written_content_digest
from paraphe.assemble.qpdf import open_pdf, pdf_bytes
from paraphe.provenance import BuildRecord, SignatoryRecord, content_digest, read_record
from support import hostile_inputs

# The annexes of the hostile corpus qpdf can read: odd pages, shared streams, widgets, actions, a cyclic tree.
ANNEXES = [
    "valid",
    "javascript",
    "open_action",
    "open_action_destination",
    "embedded_file",
    "clashing_fields",
    "launch_action",
    "signature_field",
    "signatures_outline",
    "cyclic_page_tree",
    "dangling_annotation",
    "untyped_attachment",
    "javascript_behind_link_page",
    "file_link",
    "javascript_uri",
    "zero_area_page",
    "empty_crop_box",
    "giant_page",
    "slanted_page",
    "rotated_and_cropped",
    "shared_contents",
]


def _rewritten(data: bytes, change: object = None) -> bytes:
    """`data` as assembly writes a document: opened and saved by qpdf, after `change(pdf)`."""
    with contextlib.ExitStack() as files:
        pdf = open_pdf(data, files)
        if callable(change):
            change(pdf)
        return pdf_bytes(pdf)


def _reference(data: bytes) -> str:
    return content_digest(PdfReader(io.BytesIO(data), strict=True))


@pytest.mark.parametrize("name", ANNEXES)
def test_the_quick_reading_gives_pypdfs_digest(name: str) -> None:
    try:
        written = _rewritten(getattr(hostile_inputs, name)())
    except pikepdf.PdfError:
        pytest.skip("qpdf cannot read it: assembly refuses it")
    try:
        quick = _quick_digest(written)
    except NotCovered:
        quick = None
    assert written_content_digest(written) == _reference(written)
    if name in {"valid", "rotated_and_cropped", "shared_contents", "giant_page", "signature_field"}:
        assert quick == _reference(written)  # the quick reading did cover it: nothing odd there


def _annotate(pdf: pikepdf.Pdf) -> None:
    """What assembly and signing put on pages: a signature widget, an invisible one, a link, a text string."""
    page = pdf.pages[0].obj
    visible = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Widget, FT=Name.Sig, Rect=[10, 10, 90, 40]))
    invisible = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Widget, FT=Name.Sig, Rect=[0, 0, 0, 0]))
    parent = pdf.make_indirect(Dictionary(FT=Name.Sig, T=String("prefete")))
    kid = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Widget, Parent=parent, Rect=[1.5, 2, 3, 4.25]))
    link = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 5, 5], Dest=Array([page, Name.Fit]))
    page.Annots = Array([visible, invisible, kid, pdf.make_indirect(link), Array([1, 2])])
    pdf.Root.AcroForm = Dictionary(Fields=Array([visible, invisible, parent]), SigFlags=3, NeedAppearances=False)
    pdf.docinfo["/Title"] = String("Schéma « départemental » ṇọ́")
    pdf.Root.Lang = String("fr-FR")
    pdf.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(P=String("Ngọc Ánh"), S=Name.D)]))


def test_widgets_links_and_text_strings_are_digested_alike() -> None:
    written = _rewritten(hostile_inputs.valid(), _annotate)
    assert _quick_digest(written) == _reference(written)


def test_a_change_on_a_page_changes_both() -> None:
    written = _rewritten(hostile_inputs.valid(), _annotate)
    moved = written.replace(b"[ 10 10 90 40 ]", b"[ 10 10 90 41 ]")  # the visible widget's place
    assert moved != written
    assert _quick_digest(moved) == _reference(moved) != _quick_digest(written)


def test_a_name_pypdf_may_read_otherwise_is_left_to_pypdf() -> None:
    def odd_name(pdf: pikepdf.Pdf) -> None:
        pdf.Root.Odd = Name("/Caf\u00e9")

    written = _rewritten(hostile_inputs.valid(), odd_name)
    with pytest.raises(NotCovered):
        _quick_digest(written)
    assert written_content_digest(written) == _reference(written)


def test_numbers_nested_near_the_covered_depth_are_read_as_pypdf_reads_them_or_left_to_it() -> None:
    for levels in range(content._DEPTH_COVERED - 4, content._DEPTH_COVERED + 3):

        def nested(pdf: pikepdf.Pdf, levels: int = levels) -> None:
            value = Array([1, 2, 3])
            for _ in range(levels):
                value = Array([value, 4])
            pdf.pages[0].obj.Nested = value

        written = _rewritten(hostile_inputs.valid(), nested)
        # The page is read at depth 0, /Nested at 1: the innermost numbers at levels + 2.
        if levels + 2 <= content._DEPTH_COVERED:
            assert _quick_digest(written) == _reference(written), levels
        else:
            with pytest.raises(NotCovered):
                _quick_digest(written)
            assert written_content_digest(written) == _reference(written)


def test_a_dictionary_of_many_keys_and_one_odd_is_left_to_pypdf_at_once() -> None:
    """The attack: a dictionary of many keys, one of which pypdf may read otherwise (here last, as qpdf
    sorts them). A backtracking check of the keys took seconds at 25 keys and days at 40: the build hung."""

    def many_keys(pdf: pikepdf.Pdf) -> None:
        pdf.pages[0].obj.Many = Dictionary({**{f"/K{i:03d}": i for i in range(120)}, "/R\u00e9sum\u00e9": 1})

    written = _rewritten(hostile_inputs.valid(), many_keys)
    with pytest.raises(NotCovered):
        _quick_digest(written)


def _record(name: str) -> BuildRecord:
    signatory = SignatoryRecord("prefete", name, "Madame la Préfète", "État")
    return BuildRecord("c", "paraphe", "m" * 64, "t" * 64, (), (signatory,), place="Mende")


@pytest.mark.parametrize("name", ["Valérie HATSCH", "Ngọc Ánh Nguyễn"])  # a literal string; hexadecimal UTF-16
def test_the_record_holds_the_digest_of_the_written_file(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[bytes] = []

    def counted(pdf: pikepdf.Pdf) -> bytes:
        writes.append(pdf_bytes(pdf))
        return writes[-1]

    monkeypatch.setattr(content, "pdf_bytes", counted)
    with contextlib.ExitStack() as files:
        pdf = open_pdf(_rewritten(hostile_inputs.valid(), _annotate), files)
        _uncompressed_stream(pdf)  # read from the written file, where the stand-in goes
        written = content.written_with_record(pdf, _record(name))
    reader = PdfReader(io.BytesIO(written), strict=True)
    found = read_record(reader)
    assert found == replace(_record(name), content=content_digest(reader))
    assert len(writes) == 1  # the digest took the stand-in's place


def _uncompressed_stream(pdf: pikepdf.Pdf) -> None:
    """A stream qpdf will compress as it writes (an annex's, say): its bytes before the writing are not the file's."""
    page = pdf.pages[0].obj
    page.Contents = Array([*_streams(page.Contents), pdf.make_stream(b"0 0 m 1 1 l S")])


def _streams(contents: pikepdf.Object) -> list[pikepdf.Object]:
    return list(contents) if isinstance(contents, Array) else [contents]


def test_the_digest_is_read_before_writing_where_qpdf_writes_every_stream_as_it_stands(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def never(pdf: pikepdf.Pdf, record: BuildRecord) -> bytes:
        raise AssertionError("read from the written file")

    monkeypatch.setattr(content, "_written_then_digested", never)
    with contextlib.ExitStack() as files:
        pdf = open_pdf(_rewritten(hostile_inputs.valid(), _annotate), files)
        written = content.written_with_record(pdf, _record("Valérie HATSCH"))
    reader = PdfReader(io.BytesIO(written), strict=True)
    found = read_record(reader)
    assert found is not None and found.content == content_digest(reader)


@pytest.fixture
def read_after(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """A True for each time the digest is read from the written file; the suite's own check off, so that what
    is checked is the record against pypdf's reading of the file."""
    monkeypatch.delenv(content.CHECK_VARIABLE)
    reads: list[bool] = []
    after = content._written_then_digested
    monkeypatch.setattr(content, "_written_then_digested", lambda *a: reads.append(True) or after(*a))
    return reads


@pytest.mark.parametrize("filter_name", [None, "/ASCIIHexDecode", "/ASCII85Decode"])
def test_a_stream_qpdf_would_write_anew_sends_the_digest_to_the_written_file(
    filter_name: str | None, read_after: list[bool]
) -> None:
    """The attack: a stream whose bytes qpdf changes as it writes (it compresses what is not, and decodes
    then compresses anew what another general filter encodes), digested before the writing, gives a record
    that `verify` then finds unlike the file: a genuine convention reported as changed."""

    def odd_stream(pdf: pikepdf.Pdf) -> None:
        if filter_name is None:
            _uncompressed_stream(pdf)
            return
        page = pdf.pages[0].obj
        drawn = b"0 0 m 1 1 l S"
        encoded = drawn.hex().encode() + b">" if filter_name == "/ASCIIHexDecode" else base64.a85encode(drawn) + b"~>"
        page.Contents = Array([*_streams(page.Contents), pikepdf.Stream(pdf, encoded, Filter=Name(filter_name))])

    with contextlib.ExitStack() as files:
        pdf = open_pdf(_rewritten(hostile_inputs.valid()), files)
        odd_stream(pdf)
        written = content.written_with_record(pdf, _record("Valérie HATSCH"))
    reader = PdfReader(io.BytesIO(written), strict=True)
    found = read_record(reader)
    assert read_after == [True]
    assert found is not None and found.content == content_digest(reader)


_DRAWN = zlib.compress(b"0 0 m 1 1 l S")


def _drawn_twice(second: bytes, data: bytes = _DRAWN, page: bytes = b"") -> bytes:
    """One page drawn by two content streams, the second's dictionary holding `second` and its bytes `data`."""
    return hostile_inputs.pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [4 0 R 5 0 R] " + page + b">>",
            hostile_inputs.stream(_DRAWN, b"/Filter /FlateDecode "),
            hostile_inputs.stream(data, b"/Filter /FlateDecode " + second),
        ]
    )


# Pages qpdf writes otherwise than it holds them (qpdf 12's writer): an empty stream said to be compressed
# (decoded, its filter dropped), an empty /DecodeParms (dropped), a key whose value is null (left out).
_REWRITTEN_BY_QPDF = {
    "empty-flate-stream": _drawn_twice(b"", data=b""),
    "empty-decode-parms": _drawn_twice(b"/DecodeParms [] "),
    "null-in-a-stream": _drawn_twice(b"/Foo null "),
    "null-on-a-page": _drawn_twice(b"", page=b"/Foo null "),
}


@pytest.mark.parametrize("route", ["annex", "body"])
@pytest.mark.parametrize("odd", sorted(_REWRITTEN_BY_QPDF))
def test_a_page_qpdf_writes_otherwise_sends_the_digest_to_the_written_file(
    odd: str, route: str, read_after: list[bool]
) -> None:
    """The attack: an annex (anyone's file) whose page qpdf writes otherwise than it holds it; digested before
    the writing, the record would not be the file's and `verify` would report a genuine convention as changed.
    The same for a body LibreOffice would one day write so."""
    with contextlib.ExitStack() as files:
        if route == "annex":
            pdf = open_pdf(_rewritten(hostile_inputs.valid()), files)
            pdf.pages.append(open_pdf(_REWRITTEN_BY_QPDF[odd], files).pages[0])  # as insert_annex_files does
        else:
            pdf = open_pdf(_REWRITTEN_BY_QPDF[odd], files)
        written = content.written_with_record(pdf, _record("Valérie HATSCH"))
    reader = PdfReader(io.BytesIO(written), strict=True)
    found = read_record(reader)
    assert found is not None and found.content == content_digest(reader)
    assert read_after == [True] or (route == "annex" and odd.startswith("null-"))  # copying a page drops nulls


@pytest.mark.parametrize("made", ["from a whole float", "read as « 5. »"])
def test_a_real_without_decimals_sends_the_digest_to_the_written_file(made: str, read_after: list[bool]) -> None:
    """The attack (met on a signature field at x = 292): qpdf writes a real made from 292.0 as « 292 », an
    integer to pypdf, and one read as « 5. » as it stands, a real; both are 5 without decimals to pikepdf.
    Digested before the writing as a real, the first gave a record `verify` found unlike the file."""
    with contextlib.ExitStack() as files:
        if made == "from a whole float":
            pdf = open_pdf(_rewritten(hostile_inputs.valid()), files)
            annotation = Dictionary(Type=Name.Annot, Subtype=Name.Square, Rect=Array([88.1, 616.0, 292.0, 646.0]))
            pdf.pages[0].obj.Annots = Array([pdf.make_indirect(annotation)])
        else:
            pdf = open_pdf(_drawn_twice(b"", page=b"/UserUnit 5. "), files)
        written = content.written_with_record(pdf, _record("Valérie HATSCH"))
    reader = PdfReader(io.BytesIO(written), strict=True)
    found = read_record(reader)
    assert found is not None and found.content == content_digest(reader)
    assert read_after == [True]


def test_a_stand_in_found_twice_is_not_replaced_the_file_is_written_again(monkeypatch: pytest.MonkeyPatch) -> None:
    def quoting(pdf: pikepdf.Pdf) -> None:
        pdf.docinfo["/Subject"] = String(content._TO_COME)

    with contextlib.ExitStack() as files:
        pdf = open_pdf(_rewritten(hostile_inputs.valid(), quoting), files)
        _uncompressed_stream(pdf)  # read from the written file, where the stand-in goes
        written = content.written_with_record(pdf, _record("Valérie HATSCH"))
    reader = PdfReader(io.BytesIO(written), strict=True)
    assert str(reader.metadata["/Subject"]) == content._TO_COME
    found = read_record(reader)
    assert found is not None and found.content == content_digest(reader)
