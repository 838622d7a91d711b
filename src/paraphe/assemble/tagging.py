"""The structure tree (tagged PDF) covers what paraphe adds that is content: the signature fields.

LibreOffice tags the body; paraphe's footers and watermark are artifacts (stamp.py). A signature
field is content a screen reader must announce: each widget gets a Form structure element with
an object reference to it (ISO 32000-1, 14.7.4.3) and its tooltip as alternative text, placed
in reading order after the last element of its page, and the page's tab order follows the
structure (/Tabs /S).
"""

from __future__ import annotations

from pikepdf import Array, Dictionary, Name, Page, Pdf, String

from paraphe.assemble.structure_aside import aside_of


def _parent_tree_numbers(tree: Dictionary) -> Array | None:
    """The parent tree's flat /Nums (LibreOffice writes one); None for a tree of /Kids we do not extend."""
    parent_tree = tree.get("/ParentTree")
    numbers = parent_tree.get("/Nums") if isinstance(parent_tree, Dictionary) else None
    return numbers if isinstance(numbers, Array) else None


def _document_element(tree: Dictionary) -> Dictionary | None:
    kids = tree.get("/K")
    first = kids[0] if isinstance(kids, Array) and len(kids) == 1 else kids
    return first if isinstance(first, Dictionary) and "/S" in first else None


def tag_annotation(pdf: Pdf, annotation: Dictionary, page: Page, alternative: str) -> bool:
    """A Form element for `annotation` in the structure tree; False when the document has none to extend."""
    aside = aside_of(pdf)
    if aside is not None:  # LibreOffice's tree, set aside: the element is written with it
        aside.tag(annotation, page, alternative)
        return True
    tree = pdf.Root.get("/StructTreeRoot")
    if not isinstance(tree, Dictionary):
        return False
    numbers = _parent_tree_numbers(tree)
    document = _document_element(tree)
    if numbers is None or document is None:
        return False
    keys = [int(k) for k in numbers[::2]]
    key = max(int(tree.get("/ParentTreeNextKey", 0)), max(keys, default=-1) + 1)
    form = pdf.make_indirect(
        Dictionary(
            Type=Name.StructElem,
            S=Name.Form,
            P=document if document.is_indirect else tree,
            Pg=page.obj,
            Alt=String(alternative),
            K=Dictionary(Type=Name.OBJR, Obj=annotation, Pg=page.obj),
        )
    )
    _insert_after_page(document, form, page)
    annotation.StructParent = key
    numbers.append(key)
    numbers.append(form)
    tree.ParentTreeNextKey = key + 1
    page.obj.Tabs = Name.S
    return True


def _insert_after_page(document: Dictionary, form: Dictionary, page: Page) -> None:
    """After the last element of `page` among the document's, so it is read with its page."""
    kids = document.get("/K")
    if not isinstance(kids, Array):
        kids = Array([] if kids is None else [kids])
        document.K = kids
    position = len(kids)
    # From the end: the signature pages are the document's last, a scan from its start read every element.
    for index in range(len(kids) - 1, -1, -1):
        element = kids[index]
        if isinstance(element, Dictionary) and element.get("/Pg") is not None and element.Pg.objgen == page.obj.objgen:
            position = index + 1
            break
    kids.insert(position, form)
