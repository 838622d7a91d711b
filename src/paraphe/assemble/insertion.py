"""Annex files into the document, after their cover pages, as qpdf copies pages from one file to another."""

from __future__ import annotations

import contextlib

import pikepdf
from pikepdf import Array, Page, Pdf
from pypdf import PdfReader

from paraphe.assemble.archive import annex_not_archival
from paraphe.assemble.qpdf import open_pdf
from paraphe.diagnostics import Diagnostic
from paraphe.errors import AssemblyError
from paraphe.i18n import _
from paraphe.manifest.model import Annex


def insert_annex_files(
    pdf: Pdf, annex_files: list[tuple[int, PdfReader, Annex]], files: contextlib.ExitStack
) -> tuple[list[tuple[int, int]], tuple[Diagnostic, ...]]:
    """Insert each file annex after its cover page; return (after_body_page, count) pairs, and a
    warning for each annex that is not PDF/A (the document then cannot claim to be)."""
    inserted: list[tuple[int, int]] = []
    warnings: list[Diagnostic] = []
    shift = 0
    for cover, reader, annex in annex_files:
        problem = annex_not_archival(reader)
        if problem is not None and annex.file is not None:
            message = _(
                "annex {name!r} {problem}: the built PDF cannot claim PDF/A; attach a PDF/A copy",
                name=annex.file.name,
                problem=problem,
            )
            warnings.append(Diagnostic(annex.location, message, "annex.not-pdfa"))
        position = cover + 1 + shift
        annex_pdf = _open_annex(annex, reader, files)
        pages = list(annex_pdf.pages)
        for offset, page in enumerate(pages):
            pdf.pages.insert(position + offset, page)
            _untag(pdf.pages[position + offset])
        inserted.append((cover, len(pages)))
        shift += len(pages)
    return inserted, tuple(warnings)


def _open_annex(annex: Annex, reader: PdfReader, files: contextlib.ExitStack) -> Pdf:
    """The annex as qpdf reads it, with as many pages as pypdf counted (the Sommaire's numbers were)."""
    assert annex.file is not None
    stream = reader.stream
    stream.seek(0)
    try:
        annex_pdf = open_pdf(stream.read(), files)
    except pikepdf.PdfError as exc:
        raise AssemblyError.at(
            annex.location,
            _("annex {name!r} is not a readable PDF ({exc})", name=annex.file.name, exc=exc),
            "annex.invalid",
        ) from None
    if len(annex_pdf.pages) != len(reader.pages):
        raise AssemblyError.at(
            annex.location,
            _(
                "annex {name!r} is not a readable PDF ({exc})",
                name=annex.file.name,
                exc=f"{len(annex_pdf.pages)} pages ≠ {len(reader.pages)} pages",
            ),
            "annex.invalid",
        )
    return annex_pdf


def _untag(page: Page) -> None:
    """An annex page's keys into its own structure tree, which is not copied, would point into the body's."""
    if "/StructParents" in page.obj:
        del page.obj["/StructParents"]
    for annotation in page.obj.get("/Annots", Array()):
        if isinstance(annotation, pikepdf.Dictionary) and "/StructParent" in annotation:
            del annotation["/StructParent"]
