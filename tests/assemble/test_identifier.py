"""The file identifier (the trailer's /ID) paraphe writes: its second half derived from the written content.

The attack it stops: qpdf's static stand-in left in a file, or a half that is the same for two different
documents, makes two versions of a convention look like one to a tool that goes by the identifier.
"""

from __future__ import annotations

import hashlib
import io

import pikepdf
import pytest
from pikepdf import Array, Pdf, String

from paraphe.assemble import qpdf
from paraphe.assemble.qpdf import pdf_bytes

FIRST = bytes(range(16))


def _document(text: str, *, identifier: bool = True) -> Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].Contents = pdf.make_stream(f"BT ({text}) Tj ET".encode())
    if identifier:
        pdf.trailer.ID = Array([String(FIRST), String(FIRST)])
    return pdf


def _identifier(data: bytes) -> tuple[bytes, bytes]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        first, second = pdf.trailer.ID
        return bytes(first), bytes(second)


def test_the_second_half_is_the_md5_of_the_file_with_qpdf_s_stand_in() -> None:
    written = pdf_bytes(_document("un"))
    first, second = _identifier(written)
    assert first == FIRST
    assert qpdf._STAND_IN not in written
    stood_in = written.replace(second.hex().encode(), qpdf._STAND_IN[1:-1])
    assert hashlib.md5(stood_in, usedforsecurity=False).digest() == second


def test_the_same_objects_give_the_same_bytes_and_others_another_identifier() -> None:
    assert pdf_bytes(_document("un")) == pdf_bytes(_document("un"))
    assert _identifier(pdf_bytes(_document("un")))[1] != _identifier(pdf_bytes(_document("deux")))[1]


def test_without_an_identifier_both_halves_are_derived() -> None:
    first, second = _identifier(pdf_bytes(_document("un", identifier=False)))
    assert first == second
    assert first != bytes.fromhex(qpdf._STAND_IN[1:-1].decode())


def test_a_string_like_the_stand_in_is_left_alone() -> None:
    """Only the trailer's identifier is replaced, not a string that reads like it (an annex's, a title)."""
    text = qpdf._STAND_IN.decode()
    pdf = _document("un")
    pdf.docinfo["/Title"] = String(text)
    written = pdf_bytes(pdf)
    assert b"(" + qpdf._STAND_IN + b")" in written
    with pikepdf.open(io.BytesIO(written)) as read:
        assert str(read.docinfo["/Title"]) == text
        assert bytes(read.trailer.ID[1]) != bytes.fromhex(text[1:-1])


def test_where_qpdf_wrote_no_stand_in_its_own_derived_identifier_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qpdf, "_STAND_IN", b"<00000000000000000000000000000000>")
    one, other = pdf_bytes(_document("un")), pdf_bytes(_document("deux"))
    assert b"<31415926535897932384626433832795>" not in one
    assert _identifier(one)[1] != _identifier(other)[1]
    assert one == pdf_bytes(_document("un"))


def test_a_file_without_a_trailer_s_end_is_not_patched() -> None:
    """Where qpdf's stand-in cannot be found in the last trailer (never seen), the writing is qpdf's own."""
    assert qpdf._identified(b"%PDF-1.7\n/ID [" + qpdf._STAND_IN + qpdf._STAND_IN + b"]") is None
    assert qpdf._identified(b"%PDF-1.7\ntrailer << /Size 1 >>\nstartxref\n9\n%%EOF\n") is None
