"""The structure tree (tagged PDF) covers what paraphe adds that is content: the signature fields.

LibreOffice tags the body; paraphe's footers and watermark are artifacts (stamp.py). A signature
field is content a screen reader must announce: each widget gets a Form structure element with
an object reference to it (ISO 32000-1, 14.7.4.3) and its tooltip as alternative text, placed
in reading order after the last element of its page, and the page's tab order follows the
structure (/Tabs /S).
"""

from __future__ import annotations

from typing import cast

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
)


def _parent_tree_numbers(tree: DictionaryObject) -> ArrayObject | None:
    """The parent tree's flat /Nums (LibreOffice writes one); None for a tree of /Kids we do not extend."""
    parent_tree = tree.get("/ParentTree")
    if parent_tree is None:
        return None
    numbers = cast(DictionaryObject, parent_tree.get_object()).get("/Nums")
    return cast(ArrayObject, numbers.get_object()) if numbers is not None else None


def _document_element(tree: DictionaryObject) -> DictionaryObject | None:
    kids = tree.get("/K")
    kids = kids.get_object() if kids is not None else None
    first = kids[0] if isinstance(kids, ArrayObject) and len(kids) == 1 else kids
    element = first.get_object() if first is not None else None
    return element if isinstance(element, DictionaryObject) and "/S" in element else None


def tag_annotation(writer: PdfWriter, annotation: IndirectObject, page: PageObject, alternative: str) -> bool:
    """A Form element for `annotation` in the structure tree; False when the document has none to extend."""
    tree_ref = writer.root_object.get("/StructTreeRoot")
    tree = cast(DictionaryObject, tree_ref.get_object()) if tree_ref is not None else None
    numbers = _parent_tree_numbers(tree) if tree is not None else None
    document = _document_element(tree) if tree is not None else None
    if tree is None or numbers is None or document is None or page.indirect_reference is None:
        return False
    keys = [int(k) for k in numbers[::2]]
    key = max(int(tree.get("/ParentTreeNextKey", 0)), max(keys, default=-1) + 1)
    form = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/StructElem"),
                NameObject("/S"): NameObject("/Form"),
                NameObject("/P"): document.indirect_reference or tree_ref,
                NameObject("/Pg"): page.indirect_reference,
                NameObject("/Alt"): TextStringObject(alternative),
                NameObject("/K"): DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/OBJR"),
                        NameObject("/Obj"): annotation,
                        NameObject("/Pg"): page.indirect_reference,
                    }
                ),
            }
        )
    )
    _insert_after_page(document, form, page)
    cast(DictionaryObject, annotation.get_object())[NameObject("/StructParent")] = NumberObject(key)
    numbers.extend([NumberObject(key), form])
    tree[NameObject("/ParentTreeNextKey")] = NumberObject(key + 1)
    page[NameObject("/Tabs")] = NameObject("/S")
    return True


def _insert_after_page(document: DictionaryObject, form: IndirectObject, page: PageObject) -> None:
    """After the last element of `page` among the document's, so it is read with its page."""
    kids = document.get("/K")
    resolved = kids.get_object() if kids is not None else None
    if not isinstance(resolved, ArrayObject):
        resolved = ArrayObject([] if kids is None else [kids])
        document[NameObject("/K")] = resolved
    position = len(resolved)
    for index, kid in enumerate(resolved):
        element = kid.get_object()
        if isinstance(element, DictionaryObject) and element.get("/Pg") == page.indirect_reference:
            position = index + 1
    resolved.insert(position, form)
