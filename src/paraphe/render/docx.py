"""Fill a docxtpl Word template with a convention's context.

Unlike docxtpl's defaults, undefined variables are errors and every value is
XML-escaped, so `&`, `<` or `{{ }}` in a manifest print as written.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from lxml import etree

from paraphe.diagnostics import Location
from paraphe.errors import RenderError
from paraphe.manifest.model import Convention
from paraphe.paths import display_path
from paraphe.render.context import ImageMaker, build_context
from paraphe.render.placeholders import mark_placeholders
from paraphe.render.tags import ParapheTemplate
from paraphe.resources import template_path

__all__ = ["render_docx"]


def render_docx(convention: Convention, template: Path | None = None) -> bytes:
    """The filled .docx as bytes; nothing is written."""
    template = template or template_path(convention.kind)
    where = Location(display_path(template))
    if not template.is_file():
        raise RenderError.at(where, f"no template for kind {convention.kind!r}", "template.missing")
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    try:
        document = ParapheTemplate(str(template))
        document.render(build_context(convention, _image_maker(document)), environment, autoescape=True)
        buffer = io.BytesIO()
        document.save(buffer)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError.at(where, f"broken template tag: {exc.message}", "template.syntax") from None
    except jinja2.UndefinedError as exc:
        raise RenderError.at(
            where, f"template uses an undefined variable: {exc.message}", "template.undefined"
        ) from None
    except TypeError as exc:
        # A tag that loops over or calls what is not a list or a function (« for x in block.items »).
        raise RenderError.at(where, f"template tag misused: {exc}", "template.runtime") from None
    except PackageNotFoundError:
        # python-docx's words for a file that is there but is no Word document.
        raise RenderError.at(
            where, "not a usable Word template: not a Word document (.docx)", "template.invalid"
        ) from None
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise RenderError.at(where, f"not a usable Word template: {exc}", "template.invalid") from None
    data = _fixed_timestamps(
        mark_placeholders(buffer.getvalue()), convention.signature_date or dt.date(convention.period.start, 1, 1)
    )
    _check_wellformed(data, where)
    return data


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
                        where, f"the filled document is not valid XML ({name}: {exc})", "template.output"
                    ) from None


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
