"""Fill a docxtpl Word template with a convention's context.

Unlike docxtpl's defaults, undefined variables are errors and every value is
XML-escaped, so `&`, `<` or `{{ }}` in a manifest print as written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import jinja2
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PackURI
from docx.opc.phys_pkg import PhysPkgWriter
from docx.opc.pkgwriter import PackageWriter
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from lxml import etree

from paraphe.diagnostics import Location
from paraphe.errors import RenderError
from paraphe.i18n import _
from paraphe.manifest.model import Convention
from paraphe.paths import display_path
from paraphe.render.context import DATED_BY_LAST_SIGNATURE_WORDS, ImageMaker, build_context
from paraphe.render.package_zip import zipped
from paraphe.render.placeholders import marked_body
from paraphe.render.tags import NotXml, ParapheTemplate
from paraphe.render.template_package import NotAWordDocument, UnreadablePackage, not_a_word_document
from paraphe.render.typography import fr_text
from paraphe.resources import template_path

__all__ = ["render_docx"]


def render_docx(
    convention: Convention,
    template: Path | None = None,
    content: bytes | None = None,
    contents_pages: Sequence[str] | None = None,
) -> bytes:
    """The filled .docx as bytes; nothing is written.

    `content`: the template's bytes when the caller has read them (`template` then only names it).
    `contents_pages`: the Sommaire's page numbers, when a first conversion has told them.
    """
    template = template or template_path(convention.kind)
    where = Location(display_path(template))
    if content is None and not template.is_file():
        raise RenderError.at(where, _("no template for kind {kind!r}", kind=convention.kind), "template.missing")
    if content is None:
        try:
            content = template.read_bytes()
        except OSError as exc:
            reason = exc.strerror or exc
            raise RenderError.at(
                where, _("cannot read the template: {reason}", reason=reason), "template.missing"
            ) from None
    environment = _ENVIRONMENT
    try:
        document = ParapheTemplate(io.BytesIO(content))
        document.render(build_context(convention, _image_maker(document), contents_pages), environment, autoescape=True)
        packaged = _package_entries(document)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError.at(
            where, _("broken template tag: {message}", message=exc.message), "template.syntax"
        ) from None
    except jinja2.UndefinedError as exc:
        raise RenderError.at(
            where, _("template uses an undefined variable: {message}", message=exc.message), "template.undefined"
        ) from None
    except TypeError as exc:
        # A tag that loops over or calls what is not a list or a function (« for x in block.items »).
        raise RenderError.at(where, _("template tag misused: {exc}", exc=exc), "template.runtime") from None
    except NotXml as exc:
        message = _not_xml(exc.part, exc.error)
        if exc.unbalanced:
            hint = _(
                "a tag such as {% if %} opened in a table's cell or a paragraph and closed outside it cuts the "
                "document's structure: close it where it opens, or use {%p %}, {%tr %} or {%tc %} tags"
            )
            message = f"{message}; {hint}"
        raise RenderError.at(where, message, "template.output") from None
    except NotAWordDocument as exc:
        raise RenderError.at(where, not_a_word_document(exc), "template.invalid") from None
    except UnreadablePackage as exc:
        raise RenderError.at(where, _("not a usable Word template: {exc}", exc=exc), "template.invalid") from None
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise RenderError.at(where, _("not a usable Word template: {exc}", exc=exc), "template.invalid") from None
    assert document.docx is not None  # filled: docxtpl has read the template
    # A package handed on otherwise than by _package_entries (a fault injected in the tests) is checked whole.
    body = _check_wellformed(packaged, where, document.docx.element, getattr(packaged, "written_body", None))
    entries = [(name, marked_body(blob, body) if name == _BODY else blob) for name, blob in packaged]
    if convention.dated_by_last_signature:
        _check_date_wording(dict(entries)[_BODY], where)
    if convention.kind != "avenant":  # an avenant quotes the articles it changes, not all of them
        _check_articles(body, convention, where)
    return zipped(entries, convention.signature_date or dt.date(convention.period.start, 1, 1))


class _CompiledOnce(jinja2.Environment):
    """Each part of a template compiled once per process: for every document a template fills, docxtpl
    hands Jinja the same text, whose compiling took half the rendering. Keyed by the text itself, a
    compiled part is what compiling it again would give; a part that does not compile is not kept."""

    KEPT = 16  # parts: a few templates of three parts (body, header, footer)

    def __init__(self) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=True)
        self._compiled: OrderedDict[str, jinja2.Template] = OrderedDict()

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> jinja2.Template:  # noqa: A002
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source in self._compiled:
            self._compiled.move_to_end(source)
            return self._compiled[source]
        template = super().from_string(source)
        self._compiled[source] = template
        if len(self._compiled) > self.KEPT:
            self._compiled.popitem(last=False)
        return template


_ENVIRONMENT = _CompiledOnce()

_BODY = "word/document.xml"


class _Collected:
    """python-docx's package writer's target: the entries it would zip, in its order, uncompressed; and
    the bytes written for the part named `watched`."""

    def __init__(self, watched: str | None = None) -> None:
        self.entries: list[tuple[str, bytes]] = []
        self.watched = watched
        self.watched_blob: bytes | None = None

    def write(self, pack_uri: PackURI, blob: bytes) -> None:
        self.entries.append((pack_uri.membername, blob))
        if pack_uri == self.watched:
            self.watched_blob = blob


class _Entries(list[tuple[str, bytes]]):
    """A package's entries, and the body's bytes where python-docx wrote them from the filled tree."""

    written_body: bytes | None = None


def _package_entries(document: DocxTemplate) -> _Entries:
    """What `document.save` would zip, as (name, bytes): the package is compressed once, by `zipped`,
    after the placeholders are marked and the parts checked, rather than zipped and unzipped three times.

    python-docx's own `OpcPackage.save` with its writer's target replaced (python-docx is pinned;
    tests/render/test_docx_package.py compares with `save`). docxtpl's `save` adds only media
    replacements, which paraphe never asks for.

    With the entries, the body's bytes where python-docx wrote them from the filled tree (the document
    part's element, which docxtpl filled), so that `_check_wellformed` need not write the tree again.
    """
    package = document.docx.part.package
    for part in package.parts:
        part.before_marshal()
    main = document.docx.part
    collected = _Collected(main.partname if getattr(main, "_element", None) is document.docx.element else None)
    writer = cast(PhysPkgWriter, collected)  # all python-docx asks of it is `write`
    parts = package.parts
    PackageWriter._write_content_types_stream(writer, parts)  # type: ignore[no-untyped-call]
    PackageWriter._write_pkg_rels(writer, package.rels)  # type: ignore[no-untyped-call]
    PackageWriter._write_parts(writer, parts)
    entries = _Entries(collected.entries)
    entries.written_body = collected.watched_blob
    return entries


def _check_date_wording(body: bytes, where: Location) -> None:
    """A template written before {{ signature_when }} prints « le {{ signature_date }} »: it would state
    a day to fill in where the manifest asks for the last signature's date."""
    if DATED_BY_LAST_SIGNATURE_WORDS not in body.decode():
        message = (
            "signature.date is « électronique » but the template does not print "
            f"« {DATED_BY_LAST_SIGNATURE_WORDS} »: write {{{{ signature_when }}}} in its « Fait à … » line "
            "instead of « le {{ signature_date }} »"
        )
        raise RenderError.at(where, message, "template.date-wording")


class _WellFormed:
    """Digests of parts already parsed strictly in this process: most parts (styles, theme, the
    400 KB stylesWithEffects.xml) come unchanged from the template for every document, and the
    same bytes parse the same way."""

    KEPT = 256

    def __init__(self) -> None:
        self._seen: OrderedDict[bytes, None] = OrderedDict()

    def __contains__(self, blob: bytes) -> bool:
        digest = hashlib.sha256(blob).digest()
        if digest in self._seen:
            self._seen.move_to_end(digest)
            return True
        return False

    def add(self, blob: bytes) -> None:
        self._seen[hashlib.sha256(blob).digest()] = None
        if len(self._seen) > self.KEPT:
            self._seen.popitem(last=False)


_WELL_FORMED = _WellFormed()


def _check_wellformed(
    entries: Sequence[tuple[str, bytes]], where: Location, filled: etree._Element, written: bytes | None = None
) -> etree._Element:
    """Every part is well-formed XML, parsed strictly (a part docxtpl filled leniently, or a step after it
    that went wrong, is refused). The body's tree: `filled`, the tree it was written from (python-docx's,
    well-formed by construction), where the body is exactly that tree's writing (`written`, the very bytes
    python-docx wrote from it, or bytes equal to its writing), else the body parsed."""
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)
    body = None
    for name, blob in entries:
        if not name.endswith(".xml") or (name != _BODY and blob in _WELL_FORMED):
            continue
        if name == _BODY and (blob is written or blob == serialize_part_xml(filled)):
            body = filled
            continue
        try:
            root = etree.fromstring(blob, parser)
        except etree.XMLSyntaxError as exc:
            raise RenderError.at(where, _not_xml(name, exc), "template.output") from None
        if name == _BODY:
            body = root
        else:
            _WELL_FORMED.add(blob)
    if body is None:
        raise RenderError.at(where, _("not a usable Word template: not a Word document (.docx)"), "template.invalid")
    return body


def _not_xml(name: str, exc: etree.XMLSyntaxError) -> str:
    return _("the filled document is not valid XML ({name}: {exc})", name=name, exc=exc)


def _check_articles(body: etree._Element, convention: Convention, where: Location) -> None:
    """Every article heading and paragraph the manifest gives is in the document.

    A template older than `articles` prints its own articles and would drop the manifest's silently.
    """
    if not convention.articles:
        return
    printed = _squeezed(str(_ALL_TEXT(body)))
    for article in convention.articles:
        wanted = [article.heading] + [t for p in article.paragraphs for t in (p.text or "", *p.items) if t]
        for text in wanted:
            if _squeezed(fr_text(text)) not in printed:
                raise RenderError.at(
                    where,
                    _(
                        "the template does not print {text!r} (article {key!r}): it prints articles of its "
                        "own; loop over 'articles' as paraphe's ctg.docx does",
                        text=text,
                        key=article.key,
                    ),
                    "template.articles",
                )


# The text of every text node in document order, as lxml's `itertext` joined gives it, read by libxml2
# in a twentieth of the time (1.6 ms for an SDSF body).
_ALL_TEXT = etree.XPath("string()")


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _image_maker(document: DocxTemplate) -> ImageMaker:
    """Charts enter the document as docxtpl inline images, which need the template being filled."""

    def make(png: bytes, width_mm: float, description: str) -> InlineImage:
        return _DescribedImage(document, io.BytesIO(png), width=Mm(width_mm), description=description)

    return make


class _DescribedImage(InlineImage):  # type: ignore[misc]
    """An inline image with its description (`wp:docPr/@descr`): Word's alternative text, which
    LibreOffice exports as the PDF figure's /Alt for screen readers."""

    def __init__(self, tpl: DocxTemplate, image: io.BytesIO, *, width: Mm, description: str) -> None:
        super().__init__(tpl, image, width=width)
        self.description = description

    def _insert_image(self) -> str:
        inline = self.tpl.current_rendering_part.new_pic_inline(self.image_descriptor, self.width, self.height)
        inline.docPr.set("descr", self.description)
        return f'</w:t></w:r><w:r><w:drawing>{inline.xml}</w:drawing></w:r><w:r><w:t xml:space="preserve">'
