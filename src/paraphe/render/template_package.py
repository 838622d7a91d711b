"""A Word template's package read once per process: its zip's entries and relationships, as python-docx
reads them before it builds the parts.

For every document a template fills, python-docx unzips the same package (a 440 KB
stylesWithEffects.xml among its twenty entries) and reads its relationships again: a tenth of an
SDSF's rendering. What it reads is bytes and names, never changed by a rendering (parts are built
anew from them, each with its own XML tree), so the same bytes give the same reading.
python-docx is pinned; tests/render/test_template_package.py compares with its `Document`.
"""

from __future__ import annotations

import hashlib
import io
from collections import OrderedDict

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE
from docx.opc.package import Unmarshaller
from docx.opc.part import PartFactory
from docx.opc.pkgreader import PackageReader
from docx.package import Package

from paraphe.i18n import N_, _

__all__ = ["NotAWordDocument", "UnreadablePackage", "not_a_word_document", "read_document"]

_KEPT = 8  # templates: one per kind, a few more where conventions bring their own
_READ: OrderedDict[bytes, PackageReader] = OrderedDict()


# What a package whose main part python-docx refuses was saved as, in the words of Word's « Save as » list.
_SAVED_AS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": N_("Word Template (*.dotx)"),
    "application/vnd.ms-word.document.macroEnabled.main+xml": N_("Word Macro-Enabled Document (*.docm)"),
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": N_("Word Macro-Enabled Template (*.dotm)"),
}


class NotAWordDocument(ValueError):
    """The package's main part is not a Word document's (a Word template, a macro-enabled file): python-docx,
    hence docxtpl, opens none of them."""

    def __init__(self, content_type: str) -> None:
        super().__init__(content_type)
        self.saved_as = _SAVED_AS.get(content_type, content_type)


def not_a_word_document(exc: NotAWordDocument) -> str:
    """What a user reads for `exc`, in the build and in `templates check` alike."""
    return _(
        "not a usable Word template: it was saved as « {saved_as} »; open it in Word and save it as "
        "« Word Document (*.docx) »",
        saved_as=_(exc.saved_as) if exc.saved_as in _SAVED_AS.values() else exc.saved_as,
    )


class UnreadablePackage(ValueError):
    """python-docx could not read the package (a part or relationship missing or malformed): its words."""


def read_document(content: bytes) -> Document:
    """The template `content` as python-docx's `Document(io.BytesIO(content))` gives it. Where python-docx
    raises a ValueError for a main part that is not a Word document's, NotAWordDocument; for anything else
    it cannot read, UnreadablePackage."""
    reading = _reading(content)
    package = Package()
    try:
        Unmarshaller.unmarshal(reading, package, PartFactory)  # type: ignore[no-untyped-call]
        part = package.main_document_part
    except Exception as exc:  # noqa: BLE001 - bytes from outside: whatever python-docx trips on is the package's
        raise UnreadablePackage(str(exc) or type(exc).__name__) from None
    if part.content_type != CONTENT_TYPE.WML_DOCUMENT_MAIN:  # python-docx's own check (docx.api.Document)
        raise NotAWordDocument(part.content_type)
    document: Document = part.document
    return document


def _reading(content: bytes) -> PackageReader:
    """The package's entries and relationships, read once per process. Called from the thread that renders
    (and, before the workers fork, from the main one): no lock."""
    key = hashlib.sha256(content).digest()
    reading = _READ.get(key)
    if reading is None:
        try:
            reading = PackageReader.from_file(io.BytesIO(content))  # type: ignore[no-untyped-call]
        except Exception as exc:  # noqa: BLE001 - as in read_document
            raise UnreadablePackage(str(exc) or type(exc).__name__) from None
        _READ[key] = reading
        if len(_READ) > _KEPT:
            _READ.popitem(last=False)
    else:
        _READ.move_to_end(key)
    return reading
