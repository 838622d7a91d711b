"""LibreOffice's structure tree kept out of qpdf's reading and writing, and put back as LibreOffice wrote it.

A tagged SDSF body holds some 3 400 structure elements and attribute dictionaries: nine objects in ten.
qpdf parses every object of a document as soon as assembly makes a new one, and writes each again: two
thirds of an SDSF's assembly went there, for a tree that assembly changes only to add a signature field's
Form element. So, where LibreOffice's file has the shape checked here (otherwise the whole file goes
through qpdf, as before, `TreeNotKept`):

- `set_aside`: the tree's objects (structure elements, their attributes, the tree's root and parent tree)
  are freed in the cross-reference table qpdf reads, the file otherwise unchanged. Nothing outside the tree
  may point into it but the catalog; the tree may point out only to pages and annotations.
- `StructureAside.adopt`: in the document qpdf holds, the catalog's /StructTreeRoot is a stand-in.
- `StructureAside.tag`: a signature field's Form element, kept until the writing (`tagging.tag_annotation`).
- `StructureAside.spliced`: the file qpdf wrote, its objects renumbered around the tree's, which keep their
  numbers, as do the pages and annotations the tree points to; then the tree's objects, byte for byte as
  LibreOffice wrote them but for the three a Form element changes (root, document element, parent tree),
  and the Form elements; a new cross-reference table.

What a page shows, the catalog and the form are qpdf's, as before: the content digest read before the
writing covers them, and the tests' check (`PARAPHE_CHECK_DIGEST`) reads it again from the file spliced.

Longer than our 350-line mark on purpose: setting the tree aside and putting it back read and write the
one layout (LibreOffice's objects, qpdf's), and each check of the one is what makes the other safe.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import cast

import pikepdf
from pikepdf import Dictionary, Name, Page, Pdf

_ATTRIBUTE = "_paraphe_structure_aside"  # the tree travels with the document it was taken from
# Below this many objects, setting the tree aside costs more than qpdf's reading and writing it (a 12-page
# CTG's 190: 1.3 ms more; an SDSF's 3 400: 11 ms less).
SMALLEST_TREE = 1000
# How the tree's objects begin, as LibreOffice writes them: the first of them begins its region of the file.
_TREE_OBJECTS = (b"<</Type/StructElem", b"<</O/", b"<</Type/StructTreeRoot", b"<</Nums[")
_XREF = re.compile(rb"xref\r?\n0 (\d+)\r?\n")
_ROOT = re.compile(rb"/Root (\d+) 0 R")
_TREE_ROOT = re.compile(rb"/StructTreeRoot (\d+) 0 R")
_REFERENCE = re.compile(rb"(\d+) 0 R")
# The references of reversed text: a marked reference's digits follow its mark, a search the engine
# runs at the speed of finding one byte (a third of a forward search through every digit).
_MARK = b"\x00"
_REVERSED_REFERENCE = re.compile(rb"\x00(\d+)")
# In qpdf's writing: its strings (literal ones escape every parenthesis), then a reference.
_QPDF_TOKEN = re.compile(rb"\((?:[^\\()]|\\.)*\)|<[0-9A-Fa-f\s]*>|(\d+) (\d+) R", re.DOTALL)
_DOCUMENT_KIDS = re.compile(rb"/K\s*\[((?:\s*\d+ 0 R)*)\s*\]")
_SINGLE_KID = re.compile(rb"/K\s*(?:\[\s*(\d+) 0 R\s*\]|(\d+) 0 R)")
_PARENT_TREE = re.compile(rb"/ParentTree (\d+) 0 R")
_NEXT_KEY = re.compile(rb"/ParentTreeNextKey\s+(\d+)")
_NUMBERS = re.compile(rb"<<\s*/Nums\s*\[(.*)\]\s*>>", re.DOTALL)
_NUMBERS_ENTRY = re.compile(rb"\s*(\d+)\s*(?:\[[^\]]*\]|\d+ 0 R)")
_PAGE_OF = re.compile(rb"/Pg (\d+) 0 R")


class TreeNotKept(Exception):
    """The file is not as this module reads it: assembly gives it to qpdf whole."""


@dataclass
class _Form:
    """A signature field's Form element, written with the tree."""

    widget: tuple[int, int]  # its number in the document qpdf holds (no reference to it: no cycle to collect)
    page: int  # LibreOffice's number for the field's page
    alternative: str
    key: int  # in the parent tree


@dataclass
class StructureAside:
    """The tree of LibreOffice's file `source`, set aside (`set_aside`)."""

    source: bytes
    size: int  # the file's /Size: numbers from it on are free for what qpdf writes
    spans: dict[int, tuple[int, int]]  # each tree object's bytes in `source` (to the next object), in file order
    root: int  # the /StructTreeRoot
    targets: frozenset[int]  # the objects outside the tree it points to
    pages: frozenset[int] = frozenset()  # LibreOffice's pages, as `adopt` found them
    forms: list[_Form] = field(default_factory=list)
    _next_key: int | None = None  # the parent tree's, once a field asked for one

    def adopt(self, pdf: Pdf) -> None:
        """`pdf` (qpdf's reading of the file `set_aside` gave) made to carry the tree to its writing."""
        self.pages = frozenset(page.obj.objgen[0] for page in pdf.pages)
        kept = set(self.pages)
        for page in pdf.pages:
            kept.update(annotation.objgen[0] for annotation in _annotations(page.obj))
        if not self.targets <= kept:
            raise TreeNotKept("the tree points to an object that is neither a page nor an annotation")
        pdf.Root.StructTreeRoot = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))  # a stand-in
        setattr(pdf, _ATTRIBUTE, self)

    def tag(self, annotation: Dictionary, page: Page, alternative: str) -> None:
        """As `tagging.tag_annotation`: the key in the parent tree now, the Form element at the writing."""
        if page.obj.objgen[0] not in self.pages:
            raise TreeNotKept("a signature field on a page LibreOffice did not write")
        key = self._next_key if self._next_key is not None else self._first_free_key()
        self._next_key = key + 1
        annotation.StructParent = key
        page.obj.Tabs = Name.S
        self.forms.append(_Form(annotation.objgen, page.obj.objgen[0], alternative, key))

    def spliced(self, written: bytes, pdf: Pdf) -> bytes:
        """`written` (qpdf's writing of `pdf`, without object streams) with the tree put back."""
        objects, trailer = _qpdf_objects(written)
        final, forms, widgets = self._numbering(written, pdf, len(objects))
        pieces = [written[: objects[0][0]]] if objects else []
        offsets: dict[int, int] = {}
        at = len(pieces[0]) if pieces else 0
        for number, (start, end) in enumerate(objects, 1):
            if final[number] == self.root:  # the stand-in: the tree's root is LibreOffice's
                continue
            text = _renumbered_object(written[start:end], final[number], final)
            offsets[final[number]] = at
            pieces.append(text)
            at += len(text)
        changed = self._changed_objects(forms, widgets)
        # The tree's objects lie one after the other (`set_aside` takes them so): copied in runs, between
        # the few a Form element changes.
        numbers, bounds = list(self.spans), list(self.spans.values())
        position = 0
        for cut in [*sorted(numbers.index(n) for n in changed if n in self.spans), len(numbers)]:
            if position < cut:
                start, shift = bounds[position][0], at - bounds[position][0]
                offsets.update((numbers[i], bounds[i][0] + shift) for i in range(position, cut))
                pieces.append(self.source[start : bounds[cut - 1][1]])
                at += bounds[cut - 1][1] - start
            if cut < len(numbers):
                offsets[numbers[cut]] = at
                pieces.append(changed[numbers[cut]])
                at += len(changed[numbers[cut]])
            position = cut + 1
        for number, text in sorted(changed.items()):
            if number not in self.spans:  # a Form element
                offsets[number] = at
                pieces.append(text)
                at += len(text)
        size = max(offsets) + 1
        pieces.append(_cross_reference(offsets, size))
        pieces.append(b"trailer\n" + _with_size(_QPDF_TOKEN.sub(_renumber(final), trailer), size))
        pieces.append(b"\nstartxref\n%d\n%%%%EOF\n" % at)
        return b"".join(pieces)

    def _numbering(self, written: bytes, pdf: Pdf, count: int) -> tuple[dict[int, int], list[int], list[int]]:
        """The final number of each object qpdf wrote; the Form elements' numbers; their widgets' numbers
        as qpdf wrote them. Pages and annotations the tree points to keep LibreOffice's numbers."""
        kept: dict[int, int] = {}  # qpdf's number → LibreOffice's
        keeping = self.targets | {form.page for form in self.forms}
        widgets_at = {form.widget: index for index, form in enumerate(self.forms)}
        widgets = [0] * len(self.forms)
        with pikepdf.open(io.BytesIO(written), inherit_page_attributes=False) as out:
            if len(out.pages) != len(pdf.pages):
                raise TreeNotKept("qpdf wrote another number of pages")
            for held, wrote in zip(pdf.pages, out.pages, strict=True):
                if held.obj.objgen[0] in keeping:
                    kept[wrote.obj.objgen[0]] = held.obj.objgen[0]
                held_annotations, wrote_annotations = _annotations(held.obj), _annotations(wrote.obj)
                if len(held_annotations) != len(wrote_annotations):
                    raise TreeNotKept("qpdf wrote another number of annotations")
                for before, after in zip(held_annotations, wrote_annotations, strict=True):
                    if before.objgen[0] in keeping:
                        kept[after.objgen[0]] = before.objgen[0]
                    if before.objgen in widgets_at:
                        widgets[widgets_at[before.objgen]] = after.objgen[0]
            stand_in = out.Root.get("/StructTreeRoot")
            if not isinstance(stand_in, Dictionary) or not stand_in.is_indirect:
                raise TreeNotKept("qpdf did not write the stand-in")
            kept[stand_in.objgen[0]] = self.root
        if len(set(kept.values())) != len(kept) or set(kept.values()) != keeping | {self.root} or not all(widgets):
            raise TreeNotKept("qpdf did not write each page and annotation the tree points to")
        final = dict(kept)
        fresh = self.size
        for number in range(1, count + 1):
            if number not in final:
                final[number] = fresh
                fresh += 1
        forms = list(range(fresh, fresh + len(self.forms)))
        return final, forms, [final[w] for w in widgets]

    def _changed_objects(self, forms: list[int], widgets: list[int]) -> dict[int, bytes]:
        """The Form elements, and the tree's objects they change: its root (the next key), the document
        element (its kids), the parent tree (a key for each widget)."""
        if not self.forms:
            return {}
        root_text = self._dictionary(self.root)
        document = self._document_element(root_text)
        parent_tree = int(_only(_PARENT_TREE, root_text).group(1))
        document_text = self._dictionary(document)
        kids_found = _only(_DOCUMENT_KIDS, document_text)
        kids = [(int(n), self._page_of(int(n))) for n in _REFERENCE.findall(kids_found.group(1))]
        entries: list[bytes] = []
        changed: dict[int, bytes] = {}
        for form, number, widget in zip(self.forms, forms, widgets, strict=True):
            alternative = pikepdf.String(form.alternative).unparse()
            changed[number] = _object(
                number,
                b"<</Type/StructElem/S/Form/P %d 0 R/Pg %d 0 R/Alt %s/K<</Type/OBJR/Obj %d 0 R/Pg %d 0 R>>>>"
                % (document, form.page, alternative, widget, form.page),
            )
            position = next((i + 1 for i in range(len(kids) - 1, -1, -1) if kids[i][1] == form.page), len(kids))
            kids.insert(position, (number, form.page))
            entries.append(b"%d %d 0 R" % (form.key, number))
        new_kids = b"/K[" + b" ".join(b"%d 0 R" % n for n, _page in kids) + b"]"
        changed[document] = _object(
            document, document_text[: kids_found.start()] + new_kids + document_text[kids_found.end() :]
        )
        tree_text = self._dictionary(parent_tree)
        numbers = _NUMBERS.fullmatch(tree_text)
        assert numbers is not None  # read by _first_free_key
        changed[parent_tree] = _object(
            parent_tree, tree_text[: numbers.end(1)] + b"\n" + b"\n".join(entries) + tree_text[numbers.end(1) :]
        )
        next_key = b"/ParentTreeNextKey %d" % cast(int, self._next_key)
        if _NEXT_KEY.search(root_text):
            root_text = _NEXT_KEY.sub(next_key, root_text, count=1)
        else:
            root_text = root_text[:2] + next_key + root_text[2:]
        changed[self.root] = _object(self.root, root_text)
        return changed

    def _first_free_key(self) -> int:
        """The parent tree's first free key, as `tagging.py` finds it: after its keys (a flat /Nums, as
        LibreOffice writes it) and from /ParentTreeNextKey. The tree's shape is checked here, at the first
        field, rather than at the writing: no document element, no tree this module extends."""
        root_text = self._dictionary(self.root)
        self._document_element(root_text)
        parent_tree = int(_only(_PARENT_TREE, root_text).group(1))
        numbers = _NUMBERS.fullmatch(self._dictionary(parent_tree))
        if numbers is None:
            raise TreeNotKept("a parent tree other than one /Nums array")
        content, keys, at = numbers.group(1), [], 0
        while (entry := _NUMBERS_ENTRY.match(content, at)) is not None:
            keys.append(int(entry.group(1)))
            at = entry.end()
        if content[at:].strip():
            raise TreeNotKept("a parent tree entry this module does not read")
        next_key = _NEXT_KEY.search(root_text)
        return max(int(next_key.group(1)) if next_key else 0, max(keys, default=-1) + 1)

    def _document_element(self, root_text: bytes) -> int:
        kid = _only(_SINGLE_KID, root_text)
        document = int(kid.group(1) or kid.group(2))
        if document not in self.spans or b"/S" not in self._dictionary(document):
            raise TreeNotKept("the tree's root has no document element")
        return document

    def _dictionary(self, number: int) -> bytes:
        """The dictionary of the tree's object `number`, as LibreOffice wrote it."""
        if number not in self.spans:
            raise TreeNotKept(f"object {number} is not the tree's")
        start, end = self.spans[number]
        text = self.source[start:end]
        opening, closing = text.find(b"<<"), text.rfind(b"endobj")
        if opening < 0 or closing < 0:
            raise TreeNotKept(f"object {number} is not a dictionary")
        return text[opening:closing].rstrip()

    def _page_of(self, element: int) -> int | None:
        """An element's own /Pg: the first, before any dictionary it holds (a marked-content reference's)."""
        if element not in self.spans:
            return None
        text = self._dictionary(element)
        inner = text.find(b"<<", 2)
        found = _PAGE_OF.search(text, 0, inner if inner > 0 else len(text))
        return int(found.group(1)) if found else None


def aside_of(pdf: Pdf) -> StructureAside | None:
    """The tree set aside from `pdf`, if it was."""
    found: StructureAside | None = getattr(pdf, _ATTRIBUTE, None)
    return found


@dataclass(frozen=True)
class _Table:
    """LibreOffice's cross-reference table: where each object in use begins, in the file's order, and ends
    (where the next begins, or the table)."""

    size: int
    entries: slice  # the table's entries in the file
    offsets: list[int]  # by number (a free one's is not an offset)
    in_use: list[int]  # the numbers in use, in the file's order
    starts: list[int]
    ends: list[int]

    def index(self, number: int) -> int | None:
        """Where object `number` stands in the file's order; None for a number not in use."""
        if not 0 < number < self.size:
            return None
        at = bisect_left(self.starts, self.offsets[number])
        return at if at < len(self.starts) and self.in_use[at] == number else None


def set_aside(body: bytes) -> tuple[bytes, StructureAside] | None:
    """LibreOffice's file `body` with its structure tree's objects freed for qpdf, and the tree. None for a
    tree too small to be worth it (`SMALLEST_TREE`), or where the file is not as LibreOffice writes it: one
    cross-reference table, of generation 0 only, every reference written « N 0 R », a tree in one region of
    the file that only the catalog points into and that points out only to what `adopt` checks."""
    table = _read_table(body)
    if table is None:
        return None
    trailer = body[table.entries.stop :]
    catalog = _only_reference(_ROOT, trailer, 0, len(trailer))
    at_catalog = table.index(catalog) if catalog is not None else None
    if catalog is None or at_catalog is None:
        return None
    tree_root = _only_reference(_TREE_ROOT, body, table.starts[at_catalog], table.ends[at_catalog])
    region = _tree_region(body, table, tree_root) if tree_root is not None else None
    if tree_root is None or region is None or region[1] - region[0] < SMALLEST_TREE:
        return None
    first, last = region
    numbers = table.in_use[first:last]
    if not all(body.startswith(b"%d 0 obj\n" % number, table.offsets[number]) for number in numbers):
        return None
    spans = dict(zip(numbers, zip(table.starts[first:last], table.ends[first:last], strict=True), strict=True))
    # Nothing outside the tree points into it but the catalog, to its root.
    others = (*range(first), *range(last, len(table.in_use)))
    outside = [_dictionary_part(body, table.starts[i], table.ends[i]) for i in others if i != at_catalog]
    catalog_part = _dictionary_part(body, table.starts[at_catalog], table.ends[at_catalog])
    if any(part is None for part in outside) or catalog_part is None:
        return None
    into = _references(b"\n".join(cast(list[bytes], outside)))
    from_catalog = _references(catalog_part)
    if into is None or from_catalog is None or into & spans.keys() or from_catalog & spans.keys() != {tree_root}:
        return None
    out_of = _references(body[table.starts[first] : table.ends[last - 1]])
    if out_of is None:
        return None
    light = bytearray(body[table.entries])
    free = b"0000000000 65535 f" + light[18:20]
    for number in spans:
        light[20 * number : 20 * number + 20] = free
    aside = StructureAside(body, table.size, spans, tree_root, frozenset(out_of - spans.keys()))
    return body[: table.entries.start] + bytes(light) + trailer, aside


def _read_table(body: bytes) -> _Table | None:
    """The file's one cross-reference table, its objects in use of generation 0 and before it; None otherwise."""
    start = _start_of_cross_reference(body)
    found = _XREF.match(body, start) if start is not None else None
    if start is None or found is None:
        return None
    size, at = int(found.group(1)), found.end()
    fields, trailer = body[at : at + 20 * size].split(), body[at + 20 * size :]
    if len(fields) != 3 * size or not trailer.lstrip().startswith(b"trailer"):
        return None
    if any(key in trailer for key in (b"/Prev", b"/Encrypt", b"/XRefStm")):  # an update, encryption, a stream
        return None
    kinds = fields[2::3]
    in_use = [number for number in range(1, size) if kinds[number] == b"n"]
    generations = {fields[3 * number + 1] for number in in_use}
    try:
        offsets = [int(offset) for offset in fields[0::3]]
    except ValueError:
        return None
    if generations != {b"00000"} or not {*kinds} <= {b"n", b"f"}:
        return None
    in_use.sort(key=offsets.__getitem__)
    starts = [offsets[number] for number in in_use]
    ends = [*starts[1:], start]
    if not starts or any(not a < b for a, b in pairwise([*starts, start])):  # none after the table, none twice
        return None
    return _Table(size, slice(at, at + 20 * size), offsets, in_use, starts, ends)


def _dictionary_part(body: bytes, start: int, end: int) -> bytes | None:
    """An object outside the tree, up to its stream's data if it has some: None where « stream » may not be
    the keyword (a string before it: a title « upstream » would cut the dictionary short)."""
    keyword = body.find(b"stream", start, end)
    if keyword < 0:
        return body[start:end]
    head = body[start:keyword]
    if not head.rstrip().endswith(b">>") or b"(" in head or _HEXADECIMAL_STRING.search(head):
        return None
    return head


# References as LibreOffice writes them: « N 0 R ». A reference written otherwise (other spacing, a comment, a
# generation other than 0) could escape the reading below; any « R » after a space that is not the end of
# such a reference (or a comment sign at all) sends the file to qpdf whole.
_WHITESPACE = (b" ", b"\n", b"\r", b"\t", b"\x0c", b"\x00")
_HEXADECIMAL_STRING = re.compile(rb"(?<!<)<(?!<)")


def _references(text: bytes) -> set[int] | None:
    """The numbers of the objects `text` refers to; None where a reference in it may be written otherwise
    than « N 0 R »."""
    if b"%" in text or _MARK in text:
        return None
    marked = text.replace(b" 0 R", _MARK)
    found = _REVERSED_REFERENCE.findall(marked[::-1])
    references = marked.count(_MARK)
    if len(found) != references or sum(text.count(space + b"R") for space in _WHITESPACE) != references:
        return None
    return {int(number[::-1]) for number in set(found)}


def _tree_region(body: bytes, table: _Table, tree_root: int) -> tuple[int, int] | None:
    """Where LibreOffice writes the tree, in the file's order of objects (first, after last): from its first
    element or attribute dictionary to the last of its root and parent tree. Whatever lies there is set
    aside with it: `set_aside` checks that nothing outside points in, and what it points out to."""
    found = [at for at in (body.find(b" 0 obj\n" + prefix) for prefix in _TREE_OBJECTS) if at >= 0]
    root_at = table.index(tree_root)
    if not found or root_at is None:
        return None
    line = body.rfind(b"\n", 0, min(found)) + 1
    first = bisect_left(table.starts, line)
    parent_tree = _only_reference(_PARENT_TREE, body, table.starts[root_at], table.ends[root_at])
    parent_at = table.index(parent_tree) if parent_tree is not None else None
    if parent_at is None or first >= len(table.starts) or table.starts[first] != line:
        return None
    last = max(root_at, parent_at) + 1
    return (first, last) if first <= root_at < last else None


def _only_reference(pattern: re.Pattern[bytes], body: bytes, start: int, end: int) -> int | None:
    """The number `pattern` finds once in body[start:end] (none where it finds none or several)."""
    found = pattern.findall(body, start, end)
    return int(found[0]) if len(found) == 1 else None


def _start_of_cross_reference(body: bytes) -> int | None:
    at = body.rfind(b"startxref")
    if at < 0:
        return None
    try:
        start = int(body[at + 9 :].split(None, 1)[0])
    except (ValueError, IndexError):
        return None
    return start if 0 < start < at else None


def _annotations(page: pikepdf.Object) -> list[pikepdf.Object]:
    annotations = page.get("/Annots")
    if annotations is None:
        return []
    if not isinstance(annotations, pikepdf.Array):
        raise TreeNotKept("a page's annotations are not an array")
    found = list(annotations)
    if not all(isinstance(a, pikepdf.Object) and a.is_indirect for a in found):
        raise TreeNotKept("an annotation that is not an indirect object")
    return found


def _qpdf_objects(written: bytes) -> tuple[list[tuple[int, int]], bytes]:
    """Where each object qpdf wrote lies (qpdf numbers them in the order it writes them), and its trailer."""
    start = _start_of_cross_reference(written)
    table = _XREF.match(written, start) if start is not None else None
    if start is None or table is None:
        raise TreeNotKept("qpdf wrote no cross-reference table")
    size, at = int(table.group(1)), table.end()
    fields = written[at : at + 20 * size].split()
    if len(fields) != 3 * size or any(kind != b"n" for kind in fields[5::3]):
        raise TreeNotKept("qpdf wrote a cross-reference table this module does not read")
    offsets = [int(offset) for offset in fields[3::3]] + [start]
    if any(a >= b for a, b in pairwise(offsets)):
        raise TreeNotKept("qpdf did not write its objects in order")
    trailer_at = written.find(b"trailer", at + 20 * size)
    end = written.rfind(b"startxref")
    if trailer_at < 0:
        raise TreeNotKept("qpdf wrote no trailer")
    objects = list(pairwise(offsets))
    for number, (offset, _end) in enumerate(objects, 1):
        if not written.startswith(b"%d 0 obj\n" % number, offset):
            raise TreeNotKept("qpdf's objects are not where its table says")
    return objects, written[trailer_at + 7 : end].strip()


def _renumber(final: dict[int, int]) -> Callable[[re.Match[bytes]], bytes]:
    def replaced(token: re.Match[bytes]) -> bytes:
        if token.group(1) is None:
            return token.group(0)
        number = final.get(int(token.group(1)))
        if number is None or token.group(2) != b"0":
            raise TreeNotKept("qpdf wrote a reference to an object it did not write")
        return b"%d 0 R" % number

    return replaced


def _renumbered_object(text: bytes, number: int, final: dict[int, int]) -> bytes:
    """One object qpdf wrote, under its final number, its references renumbered (a stream's data as it is)."""
    header_end = text.index(b"\n") + 1
    data = text.find(b"\nstream\n", header_end)
    dictionary = text[header_end : data if data > 0 else len(text)]
    rest = text[data:] if data > 0 else b""
    return b"%d 0 obj\n" % number + _QPDF_TOKEN.sub(_renumber(final), dictionary) + rest


def _object(number: int, dictionary: bytes) -> bytes:
    return b"%d 0 obj\n%s\nendobj\n" % (number, dictionary)


def _only(pattern: re.Pattern[bytes], text: bytes) -> re.Match[bytes]:
    found = list(pattern.finditer(text))
    if len(found) != 1:
        raise TreeNotKept(f"not one {pattern.pattern!r}")
    return found[0]


def _cross_reference(offsets: dict[int, int], size: int) -> bytes:
    """A cross-reference table for objects 0 to `size` - 1, those not written linked as free."""
    free = [number for number in range(1, size) if number not in offsets]
    following = dict(zip([0, *free], [*free, 0], strict=True))
    lines = [
        b"%010d 00000 n \n" % offsets[number]
        if number in offsets
        else b"%010d %05d f \n" % (following[number], 65535 if number == 0 else 0)
        for number in range(size)
    ]
    return b"xref\n0 %d\n" % size + b"".join(lines)


def _with_size(trailer: bytes, size: int) -> bytes:
    replaced, count = re.subn(rb"/Size \d+", b"/Size %d" % size, trailer, count=1)
    if count != 1:
        raise TreeNotKept("qpdf's trailer has no /Size")
    return replaced
