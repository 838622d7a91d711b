"""The redline: both versions rendered, then compared by LibreOffice's own « Compare Document ».

LibreOffice marks what the new version inserts and deletes as tracked changes and the PDF
export shows them (underlined, struck through, a bar in the margin). Its comparison treats a
table as one block — change one cell and the whole table shows as deleted and re-inserted —
so both documents are first *flattened*: each table row becomes one paragraph, its cells'
paragraphs one line each, and changes are marked word by word inside it.

LibreOffice runs headless with its own temporary profile, into which a small Basic macro is
written; it is wrapped like the converter: argument list, timeout, process group, output checked.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import logging
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

from paraphe.convert import find_soffice
from paraphe.convert.soffice import end_soffice, is_complete_pdf, soffice_command, start_soffice
from paraphe.diagnostics import Location
from paraphe.errors import ConversionError
from paraphe.manifest.model import Convention
from paraphe.render.docx import render_docx

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 180.0

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TBL, _TR, _TC, _P, _R, _PPR = (f"{{{_W}}}{name}" for name in ("tbl", "tr", "tc", "p", "r", "pPr"))

# Loads the new version, compares it with the old one (changes recorded as from old to
# new), stores the result as PDF and ODT, and quits. Any error quits too: a headless
# LibreOffice must never wait on a dialog.
_MACRO = """
Function LoadHidden(sUrl As String) As Object
  Dim aLoad(0) As New com.sun.star.beans.PropertyValue
  aLoad(0).Name = "Hidden"
  aLoad(0).Value = True
  LoadHidden = StarDesktop.loadComponentFromURL(sUrl, "_blank", 0, aLoad())
End Function

Sub Store(oDoc As Object, sUrl As String, sFilter As String)
  Dim aStore(0) As New com.sun.star.beans.PropertyValue
  aStore(0).Name = "FilterName"
  aStore(0).Value = sFilter
  oDoc.storeToURL(sUrl, aStore())
End Sub

Sub Redline(sOld As String, sNew As String, sPdf As String, sOdt As String)
  On Error GoTo Failed
  oDoc = LoadHidden(sNew)
  Dim aArgs(0) As New com.sun.star.beans.PropertyValue
  aArgs(0).Name = "URL"
  aArgs(0).Value = sOld
  oHelper = createUnoService("com.sun.star.frame.DispatchHelper")
  oHelper.executeDispatch(oDoc.getCurrentController().getFrame(), ".uno:CompareDocuments", "", 0, aArgs())
  Store(oDoc, sOdt, "writer8")
  Store(oDoc, sPdf, "writer_pdf_Export")
  oDoc.close(True)
Failed:
  StarDesktop.terminate()
End Sub
"""


@dataclass(frozen=True)
class Redline:
    """The comparison document: as PDF to read, as ODT with its tracked changes to edit."""

    pdf: bytes
    odt: bytes


def redline(
    old: Convention, new: Convention, old_name: str, new_name: str, *, timeout: float = DEFAULT_TIMEOUT
) -> Redline:
    """Render both conventions and compare them with LibreOffice; errors name `new_name`."""
    where = Location(new_name)
    soffice = find_soffice()
    if soffice is None:
        raise ConversionError.at(where, "LibreOffice (soffice) is not installed; run `make setup`", "redline.missing")
    old_docx = flatten_tables(render_docx(old), old_name)
    new_docx = flatten_tables(render_docx(new), new_name)
    with tempfile.TemporaryDirectory(prefix="paraphe-redline-") as work:
        folder = Path(work)
        paths = {key: folder / key for key in ("old.docx", "new.docx", "redline.pdf", "redline.odt")}
        paths["old.docx"].write_bytes(old_docx)
        paths["new.docx"].write_bytes(new_docx)
        profile = folder / "profile"
        base = soffice_command(soffice, folder)
        # A first start creates the profile; the macro is then written into it.
        _run([*base, "--terminate_after_init"], folder, timeout, where)
        module = profile / "user" / "basic" / "Standard" / "Module1.xba"
        if not module.parent.is_dir():
            raise ConversionError.at(where, "LibreOffice did not create its user profile", "redline.profile")
        module.write_text(_module(_MACRO), encoding="utf-8")
        arguments = ",".join(f'"{paths[k].as_uri()}"' for k in ("old.docx", "new.docx", "redline.pdf", "redline.odt"))
        _run([*base, f"macro:///Standard.Module1.Redline({arguments})"], folder, timeout, where)
        pdf, odt = paths["redline.pdf"], paths["redline.odt"]
        if not (is_complete_pdf(pdf) and odt.is_file() and zipfile.is_zipfile(odt)):
            raise ConversionError.at(where, "LibreOffice wrote no comparison document", "redline.no-output")
        return Redline(pdf.read_bytes(), odt.read_bytes())


def flatten_tables(docx: bytes, author: str = "paraphe") -> bytes:
    """The same .docx with every table row turned into one paragraph, innermost tables first.

    `author` becomes the document's author, whom LibreOffice credits with the changes.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "word/document.xml":
                data = _flatten(data)
            elif entry.filename == "docProps/core.xml":
                data = _authored(data, author)
            target.writestr(entry, data)
    return out.getvalue()


def _authored(xml: bytes, author: str) -> bytes:
    """Changes are credited to the new version's author, dated now (not the template's date)."""
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for element in root:
        name = etree.QName(element).localname
        if name in ("creator", "lastModifiedBy"):
            element.text = author
        elif name in ("created", "modified"):
            element.text = now
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _flatten(xml: bytes) -> bytes:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(xml, parser)
    for table in reversed(list(root.iter(_TBL))):
        parent = table.getparent()
        if parent is None:
            continue
        index = parent.index(table)
        parent.remove(table)
        # Header rows repeat on every page (white on a coloured band): not content.
        rows = [row for row in table.iter(_TR) if row.find(f"{{{_W}}}trPr/{{{_W}}}tblHeader") is None]
        for offset, row in enumerate(rows):
            parent.insert(index + offset, _row_paragraph(row))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _row_paragraph(row: etree._Element) -> etree._Element:
    paragraph = etree.Element(_P)
    cells = row.findall(_TC)
    first = next((p for cell in cells for p in cell.findall(_P)), None)
    if first is not None and first.find(_PPR) is not None:
        properties = copy.deepcopy(first.find(_PPR))
        for numbering in properties.findall(f"{{{_W}}}numPr"):
            properties.remove(numbering)
        paragraph.append(properties)
    lines = [p for cell in cells for p in cell.findall(_P) if "".join(p.itertext()).strip()]
    for m, cell_paragraph in enumerate(lines):
        if m:
            paragraph.append(_mark("br"))
        for child in cell_paragraph:
            if child.tag != _PPR:
                paragraph.append(copy.deepcopy(child))
    return paragraph


def _mark(mark: str) -> etree._Element:
    run = etree.Element(_R)
    etree.SubElement(run, f"{{{_W}}}{mark}")
    return run


def _module(code: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">\n'
        '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1"'
        f' script:language="StarBasic">{escape(code)}</script:module>\n'
    )


def _run(command: list[str], folder: Path, timeout: float, where: Location) -> None:
    try:
        process = start_soffice(command, folder)
    except OSError as exc:
        raise ConversionError.at(
            where, f"cannot start LibreOffice ({command[0]}): {exc.strerror}", "redline.start"
        ) from None
    try:
        process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        end_soffice(process, folder)
        raise ConversionError.at(
            where, f"LibreOffice did not finish the comparison within {timeout:g} s and was stopped", "redline.timeout"
        ) from None
    except BaseException:
        end_soffice(process, folder)
        raise
    if process.returncode != 0:
        raise ConversionError.at(where, f"LibreOffice failed with exit code {process.returncode}", "redline.failed")
