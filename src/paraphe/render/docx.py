"""Fill a docxtpl Word template with a convention's context.

Unlike docxtpl's defaults, undefined variables are errors and every value is
XML-escaped, so `&`, `<` or `{{ }}` in a manifest print as written.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from lxml import etree

from paraphe.diagnostics import Location
from paraphe.errors import RenderError
from paraphe.i18n import _
from paraphe.manifest.model import Convention
from paraphe.paths import display_path
from paraphe.render.context import DATED_BY_LAST_SIGNATURE_WORDS, ImageMaker, build_context
from paraphe.render.placeholders import mark_placeholders
from paraphe.render.tags import ParapheTemplate
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
    environment = _ENVIRONMENT
    try:
        document = ParapheTemplate(str(template) if content is None else io.BytesIO(content))
        document.render(build_context(convention, _image_maker(document), contents_pages), environment, autoescape=True)
        buffer = io.BytesIO()
        document.save(buffer)
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
    except PackageNotFoundError:
        # python-docx's words for a file that is there but is no Word document.
        raise RenderError.at(
            where, _("not a usable Word template: not a Word document (.docx)"), "template.invalid"
        ) from None
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise RenderError.at(where, _("not a usable Word template: {exc}", exc=exc), "template.invalid") from None
    data = _fixed_timestamps(
        mark_placeholders(buffer.getvalue()), convention.signature_date or dt.date(convention.period.start, 1, 1)
    )
    _check_wellformed(data, where)
    if convention.dated_by_last_signature:
        _check_date_wording(data, where)
    if convention.kind != "avenant":  # an avenant quotes the articles it changes, not all of them
        _check_articles(data, convention, where)
    return data


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

_ZIP_FIRST, _ZIP_LAST = dt.date(1980, 1, 1), dt.date(2107, 12, 31)


def _fixed_timestamps(data: bytes, date: dt.date) -> bytes:
    """The same archive with every entry dated `date`: zipfile stamps the wall clock otherwise.

    Same inputs, same bytes: a build can be reproduced and a reused output recognised.
    A zip entry's date holds the years 1980-2107 only: a date outside is pinned to the nearest
    end, since the stamp serves reproducibility, and what a reader sees comes from the manifest.
    """
    pinned = min(max(date, _ZIP_FIRST), _ZIP_LAST)
    stamp = (pinned.year, pinned.month, pinned.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(entry.filename))
    return out.getvalue()


def _check_date_wording(data: bytes, where: Location) -> None:
    """A template written before {{ signature_when }} prints « le {{ signature_date }} »: it would state
    a day to fill in where the manifest asks for the last signature's date."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = archive.read("word/document.xml").decode()
    if DATED_BY_LAST_SIGNATURE_WORDS not in text:
        message = (
            "signature.date is « électronique » but the template does not print "
            f"« {DATED_BY_LAST_SIGNATURE_WORDS} »: write {{{{ signature_when }}}} in its « Fait à … » line "
            "instead of « le {{ signature_date }} »"
        )
        raise RenderError.at(where, message, "template.date-wording")


def _check_wellformed(data: bytes, where: Location) -> None:
    """docxtpl's XML recovery can drop content silently; re-parse strictly instead."""
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                try:
                    etree.fromstring(archive.read(name), parser)
                except etree.XMLSyntaxError as exc:
                    raise RenderError.at(
                        where,
                        _("the filled document is not valid XML ({name}: {exc})", name=name, exc=exc),
                        "template.output",
                    ) from None


def _check_articles(data: bytes, convention: Convention, where: Location) -> None:
    """Every article heading and paragraph the manifest gives is in the document.

    A template older than `articles` prints its own articles and would drop the manifest's silently.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    printed = _squeezed("".join(root.itertext()))
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
