"""Assemble stage: the converted body + annexes → the final PDF.

Adds, in one pass: the annex files after their cover pages, a bookmark outline,
« N / M » on every page, French metadata, the « PROJET » mark for drafts and,
for final documents, one empty signature field per signatory over that
signatory's block, located on the rendered page.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pikepdf
from pikepdf import Array, Name, OutlineItem, Pdf, String
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from paraphe import __version__
from paraphe.annexes import Problem, read_annex
from paraphe.assemble.archive import (
    PART,
    DocumentInfo,
    body_pdfa_claim,
    ensure_output_intent,
    maps_to_unicode,
    write_metadata,
)
from paraphe.assemble.content import written_with_record
from paraphe.assemble.fields import add_signature_fields, locate_signature_fields
from paraphe.assemble.insertion import insert_annex_files
from paraphe.assemble.layout import (
    Heading,
    find_heading,
    headings,
    normalise,
)
from paraphe.assemble.qpdf import open_pdf, pdf_bytes
from paraphe.assemble.stamp import Stamper
from paraphe.assemble.structure_aside import TreeNotKept, set_aside
from paraphe.diagnostics import Diagnostic, Location
from paraphe.errors import AssemblyError, ConversionError
from paraphe.i18n import _
from paraphe.manifest.model import Annex, Convention
from paraphe.provenance import BuildRecord, DigestError
from paraphe.render.blocks import annex_heading
from paraphe.render.typography import fr_text

log = logging.getLogger(__name__)

AnnexRead = tuple[bytes, list[Problem]]  # an annex file's bytes, and what the sandbox found in them

# Footer geometry shared with the template: 2 cm side margins, footer baseline ~1 cm up.
SIDE_MARGIN = 56.7
FOOTER_BASELINE = 30.0


@dataclass(frozen=True)
class Assembled:
    """The finished PDF, how many pages it has (known here: no need to parse it again to count), and
    what stops it from being PDF/A when the body was (an annex that is not)."""

    pdf: bytes
    pages: int
    warnings: tuple[Diagnostic, ...] = ()


def assemble(
    convention: Convention,
    body: bytes,
    name: str,
    record: BuildRecord | None = None,
    annexes: Mapping[Path, AnnexRead] | None = None,
) -> Assembled:
    """The final PDF and its page count; `name` is the document named in errors.

    With a `record`, its fingerprint goes in every footer and the record, completed
    with the digest of the finished pages, into the document information. `annexes` are
    the annex files as the build read them (`read_annexes`), the very bytes the record's
    digests are of; without them, the files are read here.
    """
    # qpdf (pikepdf) changes the body in place and writes it: no copy of every object, as pypdf's writer makes;
    # LibreOffice's structure tree is set aside meanwhile where its file allows (structure_aside).
    try:
        with contextlib.ExitStack() as files:
            return _assemble(convention, _open_checked_body(body, name, files), name, record, annexes, files)
    except TreeNotKept as exc:
        log.debug("%s: the structure tree goes through qpdf with the rest (%s)", name, exc)
    with contextlib.ExitStack() as files:
        pdf = _open_checked_body(body, name, files, keep_tree=False)
        return _assemble(convention, pdf, name, record, annexes, files)


def _assemble(
    convention: Convention,
    pdf: Pdf,
    name: str,
    record: BuildRecord | None,
    annexes: Mapping[Path, AnnexRead] | None,
    files: contextlib.ExitStack,
) -> Assembled:
    marks = headings(pdf)
    body_claim = body_pdfa_claim(pdf)
    if "/Outlines" in pdf.Root:
        del pdf.Root.Outlines
    annex_files = _annex_files(convention, marks, annexes or read_annexes(convention))
    signing = convention.is_final and convention.reading_copy is None
    # Located on the body alone, before any annex is inserted: its page numbers are the body's, and no
    # annex page (an outside file, maybe showing a signatory's name) is ever taken for the signature page.
    fields = locate_signature_fields(convention, pdf, marks, name) if signing else []
    inserted, not_archival = insert_annex_files(pdf, annex_files, files)
    final_page = _page_mapper(inserted)

    _add_outline(pdf, convention, marks, final_page)
    if signing:
        add_signature_fields(pdf, [replace(f, page=final_page(f.page)) for f in fields])
    total = len(pdf.pages)
    _stamp(pdf, convention, record)
    # The packaged sRGB profile in place of LibreOffice's, dated at export, even where an annex stops the claim:
    # the same inputs give the same bytes.
    intent = body_claim is not None and ensure_output_intent(pdf)
    claim = (PART, "U" if maps_to_unicode(pdf) else "B") if intent and not not_archival else None
    _set_metadata(pdf, convention, claim)
    _set_identifier(pdf, convention)
    if record is None:
        return Assembled(pdf_bytes(pdf), total, not_archival)
    try:
        return Assembled(written_with_record(pdf, record), total, not_archival)
    except DigestError as exc:  # only an annex can nest so deep: the body is ours
        raise AssemblyError.at(
            Location(name),
            _("exceeds the limits set to read an annex ({exc}); attach a normal copy (print it to PDF)", exc=exc),
            "annex.too-large",
        ) from None


def _stamp(pdf: Pdf, convention: Convention, record: BuildRecord | None) -> None:
    total = len(pdf.pages)
    with Stamper(pdf) as stamper:
        for index, page in enumerate(pdf.pages):
            if not convention.is_final:
                stamper.draft(page)
            if convention.reading_copy is not None:
                stamper.reading_copy(page, convention.reading_copy, left_margin=SIDE_MARGIN)
            stamper.page_number(page, index + 1, total, right_margin=SIDE_MARGIN, baseline=FOOTER_BASELINE)
            if record is not None:
                fingerprint = record.fingerprint
                stamper.fingerprint(page, fingerprint, left_margin=SIDE_MARGIN, baseline=FOOTER_BASELINE - 10)


def _open_checked_body(body: bytes, name: str, files: contextlib.ExitStack, *, keep_tree: bool = True) -> Pdf:
    """The converted body as qpdf holds it, checked. Where qpdf read it without a repair and found pages,
    that is enough; otherwise pypdf's reading decides, as it always did, and says what is wrong.
    `keep_tree`: LibreOffice's structure tree set aside, where its file allows."""
    aside = set_aside(body) if keep_tree else None
    if aside is not None:
        light, tree = aside
        try:
            pdf = open_pdf(light, files)
            if not pdf.get_warnings() and len(pdf.pages) > 0:
                tree.adopt(pdf)
                return pdf
        except (pikepdf.PdfError, TreeNotKept) as exc:
            log.debug("%s: the structure tree goes through qpdf with the rest (%s)", name, exc)
    with contextlib.suppress(pikepdf.PdfError):
        pdf = open_pdf(body, files)
        if not pdf.get_warnings() and len(pdf.pages) > 0:
            return pdf
    _read_body(body, name)
    return _open_body(body, name, files)


def _read_body(body: bytes, name: str) -> PdfReader:
    """The converted body, checked: LibreOffice may exit 0 having written a PDF with no page, or
    one that ends with %%EOF yet cannot be read; either is its failure, never a « built (0 pages) ».

    Read strictly first: what pypdf reads without a repair it reads as its lenient way would, without
    checking every object's place (a quarter of the time); anything else is read the lenient way.
    """
    with contextlib.suppress(PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        strict = PdfReader(io.BytesIO(body), strict=True)
        if len(strict.pages) > 0:
            return strict
    try:
        reader = PdfReader(io.BytesIO(body))
        pages = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise ConversionError.at(
            Location(name), _("LibreOffice wrote a PDF that cannot be read ({exc})", exc=exc), "convert.bad-output"
        ) from None
    if pages == 0:
        raise ConversionError.at(Location(name), _("LibreOffice wrote a PDF with no page"), "convert.bad-output")
    return reader


def _open_body(body: bytes, name: str, files: contextlib.ExitStack) -> Pdf:
    try:
        return open_pdf(body, files)
    except pikepdf.PdfError as exc:
        raise ConversionError.at(
            Location(name), _("LibreOffice wrote a PDF that cannot be read ({exc})", exc=exc), "convert.bad-output"
        ) from None


def read_annexes(convention: Convention) -> dict[Path, AnnexRead]:
    """Each annex file read once, safely, and inspected in the sandbox: its bytes and its problems."""
    reserved = [s.id for s in convention.signatories]
    return {a.file: read_annex(a.file, a.file.name, reserved) for a in convention.annexes if a.file is not None}


def _annex_files(
    convention: Convention, marks: list[Heading], annexes: Mapping[Path, AnnexRead]
) -> list[tuple[int, PdfReader, Annex]]:
    """Each file annex, read, with the body page of its cover (0-based), in the document's order."""
    found: list[tuple[int, PdfReader, Annex]] = []
    for number, annex in enumerate(convention.annexes, 1):
        if annex.file is None:
            continue
        cover = find_heading(marks, annex_heading(number, annex.title))
        if cover is None:
            raise AssemblyError.at(
                annex.location,
                _("cover page of annex {number} not found in the rendered document", number=number),
                "annex.cover",
            )
        found.append((cover.page, _read_annex(annex, annexes[annex.file]), annex))
    return found


def contents_pages(
    convention: Convention, body: bytes, name: str, annexes: Mapping[Path, AnnexRead], listed: Sequence[str]
) -> tuple[str, ...]:
    """The page number, as the footer « N / M » will print it, of each heading `listed` (the Sommaire's
    lines, in the document's order) in the converted `body`, once the annex files are inserted.

    Read in order from the bookmarks LibreOffice exports for headings: two chapters with one title
    (« Constats » in each part) each get their own page. A heading not found gets no number.
    """
    _read_body(body, name)
    with contextlib.ExitStack() as files:
        marks = headings(_open_body(body, name, files))
    inserted = [(cover, len(reader.pages)) for cover, reader, _annex in _annex_files(convention, marks, annexes)]
    final_page = _page_mapper(inserted)
    pages: list[str] = []
    start = 0
    for heading in listed:
        wanted = find_heading(marks[start:], heading)
        if wanted is None:
            log.warning("%s: the Sommaire's « %s » is not among the document's headings", name, heading)
            pages.append("")
            continue
        start = marks.index(wanted, start) + 1
        pages.append(str(final_page(wanted.page) + 1))
    return tuple(pages)


def _page_mapper(inserted: list[tuple[int, int]]) -> Callable[[int], int]:
    def final_page(body_page: int) -> int:
        return body_page + sum(count for after, count in inserted if body_page > after)

    return final_page


def _read_annex(annex: Annex, read: AnnexRead) -> PdfReader:
    assert annex.file is not None
    where: Location = annex.location
    # The bytes inspected are the bytes inserted: a file changed since validation is inspected again.
    data, problems = read
    if problems:
        raise AssemblyError(Diagnostic(where, message, rule) for message, rule in problems)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise AssemblyError.at(
                where,
                _("annex {name!r} is encrypted; attach an unprotected copy", name=annex.file.name),
                "annex.encrypted",
            )
        if len(reader.pages) == 0:
            raise AssemblyError.at(where, _("annex {name!r} has no page", name=annex.file.name), "annex.empty")
        return reader
    except AssemblyError:
        raise
    except OSError as exc:
        raise AssemblyError.at(
            where,
            _("cannot read annex {name!r}: {strerror}", name=annex.file.name, strerror=exc.strerror),
            "annex.unreadable",
        ) from None
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise AssemblyError.at(
            where, _("annex {name!r} is not a readable PDF ({exc})", name=annex.file.name, exc=exc), "annex.invalid"
        ) from None


def _add_outline(pdf: Pdf, convention: Convention, marks: list[Heading], final_page: Callable[[int], int]) -> None:
    """Bookmarks: every top heading (preamble, identity, parts, themes, signatures, annexes) and themes within parts."""
    themes = [normalise(fr_text(s.title)) for s in convention.sections]  # as printed: once, not per heading
    with pdf.open_outline() as outline:
        parent: OutlineItem | None = None
        for mark in marks:
            if mark.level == 0:
                parent = OutlineItem(mark.title, final_page(mark.page))
                outline.root.append(parent)
            elif mark.level == 1 and parent is not None and _is_fiche(themes, mark.title):
                parent.children.append(OutlineItem(mark.title, final_page(mark.page)))
    pdf.Root.PageMode = Name.UseOutlines


def _is_fiche(themes: list[str], title: str) -> bool:
    heading = normalise(title)
    return any(heading.endswith(theme) for theme in themes)


def _set_metadata(pdf: Pdf, convention: Convention, claim: tuple[str, str] | None) -> None:
    c = convention
    dated = c.signature_date or dt.date(c.period.start, 1, 1)
    keywords = "; ".join([c.kind.upper(), c.territory_name, str(c.period)] + [s.title for s in c.sections])
    info = DocumentInfo(
        title=c.title,
        subject=f"{c.title} – {c.territory_label} ({c.period})",
        author=", ".join(dict.fromkeys(s.organisation.name for s in c.signatories)),
        keywords=keywords,
        creator=f"paraphe {__version__}",
        # The manifest's date, not the wall clock's: the same inputs give the same bytes.
        date=dt.datetime(dated.year, dated.month, dated.day, tzinfo=dt.UTC),
    )
    write_metadata(pdf, info, claim)
    pdf.docinfo["/Organisations"] = String(", ".join(o.name for o in c.organisations if o.is_acronym))


def _set_identifier(pdf: Pdf, convention: Convention) -> None:
    """A file identifier derived from the document, not LibreOffice's random one.

    The first half names the convention (qpdf keeps it); the second, the version, is derived from
    the written content (`qpdf.pdf_bytes`).
    """
    permanent = hashlib.sha256(f"{convention.id}\n{convention.status}".encode()).digest()[:16]
    pdf.trailer.ID = Array([String(permanent), String(permanent)])
    # LibreOffice's /DocChecksum differs with every export; qpdf would keep it (pypdf's writer did not).
    for key in set(pdf.trailer.keys()) - {"/Root", "/Info", "/ID", "/Size"}:  # qpdf sets /Size
        del pdf.trailer[key]
