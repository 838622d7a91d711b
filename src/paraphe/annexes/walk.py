"""The child's walk: every object reachable from the trailer, once, looked at for what an annex must not carry.

Runs only in the sandbox (`sandbox.examine`), after the limits are set: it decodes every stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from pypdf import PdfReader
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from paraphe.annexes.limits import MAX_DECODED, MAX_OBJECTS, Problem

_ACTIONS = {
    "/Launch": "an action that launches a program",
    "/SubmitForm": "a form that sends its data away",
    "/ImportData": "an action that imports data",
    "/GoToE": "a link into an embedded file",
    "/GoToR": "a link that opens another file",
    "/Rendition": "a multimedia action",
    "/RichMediaExecute": "a rich-media action",
}
_PASSTHROUGH_IMAGES = {"/DCTDecode", "/JPXDecode"}
# Links a reader follows: web pages and mail. A file:// link opens what is on the reader's disk
# (or a share), javascript: and the rest run or reach what the convention cannot vouch for.
_SAFE_SCHEMES = ("http", "https", "mailto")
# Page sides in points: PDF's own limit (200 inches), and an inch, under which no footer fits.
MAX_PAGE, MIN_PAGE = 14_400.0, 72.0
_SIZE = "annex.page-size"
_JAVASCRIPT = ("contains JavaScript; attach a copy without scripts (print it to PDF)", "annex.javascript")


class _Findings:
    """What the walk found so far; each kind of problem is said once, in the order first met."""

    def __init__(self) -> None:
        self.problems: dict[str, Problem] = {}
        self.fields: dict[str, bool] = {}
        self.embedded: list[str] = []  # names of embedded files, "" for one without a name
        self.decoded = 0

    def note(self, key: str, message: str, rule: str) -> None:
        self.problems.setdefault(key, (message, rule))


def walk(reader: PdfReader) -> tuple[list[Problem], list[tuple[str, bool]]]:
    """Problems found in the PDF's objects, and its form fields (fully qualified name, is a signature field)."""
    root = cast(DictionaryObject, reader.trailer["/Root"].get_object())
    found = _Findings()
    _open_action(root, found)
    for item in _objects(root, found):
        _active_content(item, root is item, found)
        _attachment(item, found)
        _form_field(item, found)
        if isinstance(item, StreamObject) and _decodable(item):
            _decode(item, found)
    _embedded_files(found)
    return list(found.problems.values()), sorted(found.fields.items())


def _objects(root: DictionaryObject, found: _Findings) -> Iterator[DictionaryObject]:
    """Every dictionary reachable from `root`, each indirect object once; the caller looks before we go deeper."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [root]
    count = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            ident = (item.idnum, item.generation)
            if ident in seen:
                continue
            seen.add(ident)
            item = item.get_object()
        count += 1
        if count > MAX_OBJECTS:
            found.note("objects", f"has more than {MAX_OBJECTS} objects", "annex.too-large")
            return
        if isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, DictionaryObject):
            yield item
            # Back links too (/P, /Parent): an annotation's /P may name a page outside the page
            # tree, carrying its own scripts, that the assembler would copy with the annotation.
            stack.extend(item.values())


def _open_action(root: DictionaryObject, found: _Findings) -> None:
    opening = root.get("/OpenAction")
    if opening is not None and isinstance(opening.get_object(), DictionaryObject):
        kind = str(opening.get_object().get("/S", ""))
        if kind not in ("/GoTo", "/URI", "", "/JavaScript"):  # JavaScript: reported as such by the walk
            found.note(
                f"action{kind}",  # said once, as the open action it is
                f"runs an action when it is opened (/OpenAction {kind}); attach a copy without it (print it to PDF)",
                "annex.open-action",
            )


def _active_content(item: DictionaryObject, is_root: bool, found: _Findings) -> None:
    """Scripts, actions that reach outside the document, XFA forms."""
    action = item.get("/S")
    if action == "/JavaScript" or "/JS" in item:
        found.note("js", *_JAVASCRIPT)
    elif action in _ACTIONS:
        found.note(
            f"action{action}",
            f"contains {_ACTIONS[str(action)]} ({action}); attach a copy without it (print it to PDF)",
            "annex.active-content",
        )
    if action == "/URI":
        _link(item.get("/URI"), found)
    names = item.get("/Names")
    if isinstance(names, (DictionaryObject, IndirectObject)) and is_root:
        tree = names.get_object()
        if isinstance(tree, DictionaryObject) and "/JavaScript" in tree:
            found.note("js", *_JAVASCRIPT)
    if "/XFA" in item:
        found.note("xfa", "contains an XFA form (it may run scripts); attach a flattened copy", "annex.active-content")


def _link(target: object, found: _Findings) -> None:
    value = target.get_object() if isinstance(target, IndirectObject) else target
    uri = (value.decode("latin-1") if isinstance(value, bytes) else str(value or "")).strip()
    scheme = uri.split(":", 1)[0].lower() if ":" in uri else ""
    if scheme not in _SAFE_SCHEMES:
        shown = uri if len(uri) <= 60 else uri[:57] + "…"
        found.note(
            f"link:{scheme}",
            f"has a link to {shown!r}, which opens no web page; attach a copy without it (print it to PDF)",
            "annex.link",
        )


def _attachment(item: DictionaryObject, found: _Findings) -> None:
    # /EF is what makes a file specification carry a file: its /Type is optional, and some writers omit it.
    if "/EF" in item:
        found.embedded.append(str(item.get("/UF") or item.get("/F") or "?"))
    elif item.get("/Type") == "/EmbeddedFile" or item.get("/Subtype") == "/FileAttachment":
        found.embedded.append("")


def _form_field(item: DictionaryObject, found: _Findings) -> None:
    if item.get("/Subtype") == "/Widget" or "/FT" in item:
        name, is_signature = _field_name(item)
        if name:
            found.fields[name] = found.fields.get(name, False) or is_signature


def _decode(stream: StreamObject, found: _Findings) -> None:
    """Decode as the build will; the bytes decoded over the whole file are what a bomb spread thin would show."""
    try:
        found.decoded += len(stream.get_data())
    except (LimitReachedError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001
        found.note("stream", f"has a stream that cannot be decoded ({exc or type(exc).__name__})", "annex.invalid")
    if found.decoded > MAX_DECODED:
        raise LimitReachedError("decoded streams too large")


def page_geometry(reader: PdfReader) -> Problem | None:
    """The first page a reader could not show, or the footer could not be stamped on: no visible
    area, a size past PDF's 200-inch limit or under an inch, a rotation that is not quarter turns."""
    for number, page in enumerate(reader.pages, 1):
        try:
            media, crop = page.mediabox, page.cropbox
            left, right = max(float(media.left), float(crop.left)), min(float(media.right), float(crop.right))
            bottom, top = max(float(media.bottom), float(crop.bottom)), min(float(media.top), float(crop.top))
            rotation = int(page.get("/Rotate", 0))
        except (TypeError, ValueError, IndexError, KeyError, AttributeError):
            return (f"has a page ({number}) whose size cannot be read", _SIZE)
        width, height = right - left, top - bottom
        if width <= 0 or height <= 0:
            return (f"has a page ({number}) with no visible area (its media and crop boxes meet nowhere)", _SIZE)
        if not (MIN_PAGE <= width <= MAX_PAGE and MIN_PAGE <= height <= MAX_PAGE):
            return (
                f"has a page ({number}) of {width:g} × {height:g} pt; pages measure {MIN_PAGE:g} to "
                f"{MAX_PAGE:g} pt a side",
                _SIZE,
            )
        if rotation % 90:
            return (f"has a page ({number}) turned by {rotation}°, not a quarter turn", _SIZE)
    return None


def _embedded_files(found: _Findings) -> None:
    if not found.embedded:
        return
    named = sorted({e for e in found.embedded if e})
    listed = f" ({', '.join(repr(n) for n in named)})" if named else ""
    found.note(
        "embedded",
        f"carries embedded files{listed}; attach them as annexes of their own, or remove them",
        "annex.embedded-file",
    )


def _decodable(stream: StreamObject) -> bool:
    """Images pypdf passes through undecoded (JPEG) cost nothing; everything else is decoded as the build will."""
    filters = stream.get("/Filter")
    names = [str(f) for f in filters] if isinstance(filters, list) else [str(filters)] if filters else []
    return not (names and names[-1] in _PASSTHROUGH_IMAGES and len(names) == 1)


def _field_name(item: DictionaryObject) -> tuple[str, bool]:
    """A field's fully qualified name (parents' /T joined by dots) and whether it is a signature field."""
    parts: list[str] = []
    is_signature = False
    node: Any = item
    for _ in range(32):
        title = node.get("/T")
        if title is not None:
            parts.append(str(title))
        if node.get("/FT") == "/Sig":
            is_signature = True
        parent = node.get("/Parent")
        if parent is None:
            break
        node = parent.get_object()
    return ".".join(reversed(parts)), is_signature
