"""Generate the binary inputs of the hostile corpus (hostile PDFs, oversized files) instead of committing them.

Each case's `case.toml` names, under [inputs], the files to make and the generator of each:

    [inputs]
    "annexes/piece.pdf" = "javascript"

Run by hand to look at a case: `python tests/support/hostile_inputs.py tests/hostile/<case> /tmp/<case>` copies
the case and makes its inputs there.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tomllib
import zlib
from collections.abc import Callable
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
MINIMAL = TESTS / "manifests" / "minimal" / "sdsf-mini.yaml"


def pdf(objects: list[bytes], *, trailer: bytes = b"") -> bytes:
    """A PDF file from its numbered objects (object 1 is the catalog), with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref))
    return out.getvalue()


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


_TEXT = b"BT /F1 24 Tf 72 720 Td (PIECE ANNEXE) Tj ET"
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def one_page(*, catalog: bytes = b"", page: bytes = b"", extra: tuple[bytes, ...] = ()) -> bytes:
    """One A4 page saying « PIECE ANNEXE »; objects 5, 6… are `extra`."""
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 " + _FONT + b" >> >> " + page + b">>",
            stream(_TEXT),
            *extra,
        ]
    )


def valid() -> bytes:
    return one_page()


def replacement() -> bytes:
    """Another version of the valid annex: « VERSION REMPLACEE »."""
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 " + _FONT + b" >> >> >>",
            stream(b"BT /F1 24 Tf 72 720 Td (VERSION REMPLACEE) Tj ET"),
        ]
    )


def empty() -> bytes:
    return b""


def truncated() -> bytes:
    whole = one_page()
    return whole[: len(whole) * 2 // 3]


def word_renamed() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("Délibération du conseil d'administration")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def plain_text() -> bytes:
    return "Délibération du conseil d'administration\n".encode()


def encrypted() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(one_page())))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def javascript() -> bytes:
    # Document-level JavaScript in the name tree, and a page that runs a script when opened.
    return one_page(
        catalog=b"/Names << /JavaScript << /Names [(init) 5 0 R] >> >> ",
        page=b"/AA << /O 5 0 R >> ",
        extra=(b"<< /Type /Action /S /JavaScript /JS (app.alert\\('bonjour'\\)) >>",),
    )


def open_action() -> bytes:
    # Opening the document launches a program.
    return one_page(
        catalog=b"/OpenAction 5 0 R ",
        extra=(b"<< /Type /Action /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) >> >>",),
    )


def open_action_destination() -> bytes:
    # What LibreOffice and Word write: open at page 1. Harmless, accepted.
    return one_page(catalog=b"/OpenAction [3 0 R /XYZ null null 0] ")


def embedded_file() -> bytes:
    payload = b"MZ\x90\x00 not really a program"
    return one_page(
        catalog=b"/Names << /EmbeddedFiles << /Names [(facture.exe) 5 0 R] >> >> ",
        extra=(
            b"<< /Type /Filespec /F (facture.exe) /UF (facture.exe) /EF << /F 6 0 R >> >>",
            stream(payload, b"/Type /EmbeddedFile "),
        ),
    )


def clashing_fields() -> bytes:
    # A signature field named like one of ours (the sdsf-mini's « prefete ») and a text field.
    return one_page(
        catalog=b"/AcroForm << /Fields [5 0 R 6 0 R] >> ",
        page=b"/Annots [5 0 R 6 0 R] ",
        extra=(
            b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (prefete) /Rect [72 72 272 142] /P 3 0 R /F 4 >>",
            b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (montant) /V (1000) /Rect [72 200 272 220] /P 3 0 R >>",
        ),
    )


def launch_action() -> bytes:
    # A link that starts a program when clicked.
    return one_page(
        page=b"/Annots [5 0 R] ",
        extra=(b"<< /Type /Annot /Subtype /Link /Rect [72 700 272 740] /A << /S /Launch /F (calc.exe) >> >>",),
    )


def signature_field() -> bytes:
    # A signed form's signature field, named like none of ours: still no valid signature inside the convention.
    return one_page(
        catalog=b"/AcroForm << /Fields [5 0 R] /SigFlags 3 >> ",
        page=b"/Annots [5 0 R] ",
        extra=(b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (approbation) /Rect [72 72 272 142] /P 3 0 R /F 4 >>",),
    )


def signatures_outline() -> bytes:
    """A one-page body whose only bookmark is « Signatures », and no signatory's name on it."""
    return one_page(
        catalog=b"/Outlines 5 0 R ",
        extra=(
            b"<< /Type /Outlines /First 6 0 R /Last 6 0 R /Count 1 >>",
            b"<< /Title (Signatures) /Parent 5 0 R /Dest [3 0 R /Fit] >>",
        ),
    )


def bomb() -> bytes:
    # 80 MB of spaces behind 80 kB: more than any page needs, more than pypdf agrees to inflate (75 MB).
    compressor = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    data = b"".join(compressor.compress(chunk) for _ in range(80)) + compressor.flush()
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            stream(data, b"/Filter /FlateDecode "),
        ]
    )


def cyclic_page_tree() -> bytes:
    # The root's kid is a node whose kid is the root again.
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
        ]
    )


def dangling_annotation() -> bytes:
    # A link whose action and popup are objects the file does not hold (a damaged or doctored file).
    return one_page(
        page=b"/Annots [5 0 R 9 0 R] ",
        extra=(b"<< /Type /Annot /Subtype /Link /Rect [72 700 272 740] /A 8 0 R /Popup 12 0 R >>",),
    )


def untyped_attachment() -> bytes:
    # A file carried by a page's note, its file specification and stream without the optional /Type.
    return one_page(
        page=b"/Annots [5 0 R] ",
        extra=(
            b"<< /Type /Annot /Subtype /Text /Rect [72 700 92 720] /Contents (voir) /FS << /F (facture.exe) "
            b"/EF << /F 6 0 R >> >> >>",
            stream(b"MZ\x90\x00 not really a program"),
        ),
    )


def javascript_behind_link_page() -> bytes:
    # A link's /P names a page outside the page tree that runs a script: only /P reaches it.
    return one_page(
        page=b"/Annots [5 0 R] ",
        extra=(
            b"<< /Type /Annot /Subtype /Link /Rect [72 700 272 740] /Dest [3 0 R /Fit] /P 6 0 R >>",
            b"<< /Type /Page /MediaBox [0 0 595 842] /AA << /O << /S /JavaScript /JS (app.alert\\(1\\)) >> >> >>",
        ),
    )


def file_link() -> bytes:
    # A link that opens a file on the reader's disk.
    return one_page(
        page=b"/Annots [5 0 R] ",
        extra=(
            b"<< /Type /Annot /Subtype /Link /Rect [72 700 272 740] "
            b"/A << /S /URI /URI (file:///C:/Windows/System32/calc.exe) >> >>",
        ),
    )


def javascript_uri() -> bytes:
    # A link whose URI is a script; a web link beside it is fine.
    return one_page(
        page=b"/Annots [5 0 R 6 0 R] ",
        extra=(
            b"<< /Type /Annot /Subtype /Link /Rect [72 700 272 740] /A << /S /URI /URI (https://www.caf.fr/) >> >>",
            b"<< /Type /Annot /Subtype /Link /Rect [72 600 272 640] /A << /S /URI /URI (javascript:alert\\(1\\)) >> >>",
        ),
    )


def _second_page(page: bytes) -> bytes:
    """Two pages: an A4 one, then the page described by `page` (MediaBox, CropBox, Rotate…)."""
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 " + _FONT + b" >> >> >>",
            stream(_TEXT),
            b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 "
            + _FONT
            + b" >> >> "
            + page
            + b">>",
        ]
    )


def zero_area_page() -> bytes:
    return _second_page(b"/MediaBox [0 0 595 0] ")


def empty_crop_box() -> bytes:
    # The page is A4, but its crop box (what a reader shows) lies outside it.
    return _second_page(b"/MediaBox [0 0 595 842] /CropBox [600 0 900 842] ")


def giant_page() -> bytes:
    return _second_page(b"/MediaBox [0 0 100000 100000] ")


def slanted_page() -> bytes:
    return _second_page(b"/MediaBox [0 0 595 842] /Rotate 45 ")


def rotated_and_cropped() -> bytes:
    # A landscape table (A4 turned a quarter), then a page cropped to a window: both shown as the reader shows them.
    first = b"/Parent 2 0 R /MediaBox [0 0 595 842] /Contents"
    turned = b"/Parent 2 0 R /MediaBox [0 0 595 842] /Rotate 90 /Contents"
    return _second_page(b"/MediaBox [0 0 595 842] /CropBox [50 100 545 742] ").replace(first, turned, 1)


def shared_contents() -> bytes:
    # Three pages drawn by one content stream (as some PDF writers do): each gets its own page number.
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 "
    page += _FONT + b" >> >> >>"
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 5 0 R 6 0 R] /Count 3 >>",
            page,
            stream(_TEXT),
            page,
            page,
        ]
    )


def no_page() -> bytes:
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def _minimal(comment: str, changes: dict[str, str] | None = None) -> str:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "# A small but complete SDSF, used by the tests as a starting point.", f"# {comment}", 1
    )
    for old, new in (changes or {}).items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def oversized_manifest() -> bytes:
    """The minimal manifest with a 3 MB comment: over the 2 MB limit."""
    return _minimal("Over the size limit.").encode() + b"# " + b"x" * (3 * 1024 * 1024) + b"\n"


def latin1_manifest() -> bytes:
    return _minimal("Saved as Latin-1 by an old editor.").encode("latin-1")


def bom_manifest() -> bytes:
    return b"\xef\xbb\xbf" + _minimal("Saved with a byte-order mark by Notepad: accepted.").encode()


def nul_manifest() -> bytes:
    text = _minimal(
        "A NUL byte in a value.", {"  label: Département de la Lozère": "  label: Département\x00 de la Lozère"}
    )
    return text.encode()


def many_values_manifest() -> bytes:
    items = "".join(f"  - paragraphe {n}\n" for n in range(60_000))
    return _minimal(
        "Sixty thousand paragraphs: over the limit on values, refused before validation.",
        {"preamble:\n": "preamble:\n" + items},
    ).encode()


def long_title_manifest() -> bytes:
    title = "Schéma départemental des services aux familles " * 250
    return _minimal(
        "A 12 000-character title.",
        {"title: Schéma départemental des services aux familles 2020-2023": f"title: {title.strip()}"},
    ).encode()


def lone_cr_manifest() -> bytes:
    """Saved with old Mac line ends (CR alone), a control character on line 7: located there, not on line 1."""
    text = _minimal("Lone CR line ends.", {"  name: Lozère": "  name: Loz\x07ère"})
    return text.replace("\n", "\r").encode()


def line_separator_manifest() -> bytes:
    """U+2028 inside a value: YAML would break the line there, an editor does not; refused, on the editor's line."""
    return _minimal("A line separator pasted from a web page.", {"  place: Mende": "  place: Men\u2028de"}).encode()


_WORDS = (
    "accompagner développer renforcer soutenir favoriser informer les familles parents enfants jeunes accueil "
    "petite enfance loisirs vacances numérique accès droits logement mobilité santé handicap parentalité "
    "médiation insertion emploi formation culture sport"
).split()


def _thousand_actions(renamed: bool) -> bytes:
    """The minimal manifest with 10 axes of 100 actions; `renamed`: every id changed, a third of the titles
    retouched (a word added, spacing changed): what a reorganised plan looks like to the diff."""
    import random

    lines = []
    for axis in range(10):
        lines.append(f"      - title: Axe {axis} {' '.join(random.Random(axis).sample(_WORDS, 3))}\n        actions:\n")
        for number in range(100):
            title = " ".join(random.Random(axis * 1000 + number).sample(_WORDS, 6)) + f" {axis}-{number}"
            if renamed and number % 3 == 0:
                title = title.replace(" ", "  ", 1) + " (révisé)"
            ident = f"{'n' if renamed else 'a'}-{axis}-{number}"
            lines.append(f"          - id: {ident}\n            title: {title}\n            calendar: 2021\n")
            lines.append("            actors: [CCSS]\n")
    text = _minimal("A thousand actions.")
    start, end = text.index("    sections:\n      - title: Informer"), text.index("signatories:")
    return (text[:start] + "    sections:\n" + "".join(lines) + text[end:]).encode()


def thousand_actions() -> bytes:
    return _thousand_actions(renamed=False)


def thousand_actions_renamed() -> bytes:
    return _thousand_actions(renamed=True)


# What the assembler needs of every template: « Signatures » as a heading, the signatories' names, annex headings.
SIGNATURES = (
    "# Signatures", "{%p for pair in signatory_rows %}", "{%p for s in pair %}", "{{ s.name }}", "{%p endfor %}",
    "{%p endfor %}",
)  # fmt: skip
ANNEXES = ("{%p for annex in annexes %}", "# {{ annex.heading }}", "{%p endfor %}")


def _template(*paragraphs: str | tuple[str, ...], marks: bool = True) -> bytes:
    """A Word template of these paragraphs (« # » makes a Heading 1; a tuple, a table row of these cells),
    followed by the marks unless `marks` is false."""
    from docx import Document

    document = Document()
    for paragraph in (*paragraphs, *(SIGNATURES + ANNEXES if marks else ())):
        if isinstance(paragraph, tuple):
            row = document.add_table(rows=1, cols=len(paragraph)).rows[0]
            for cell, text in zip(row.cells, paragraph, strict=True):
                cell.text = text
        elif paragraph.startswith("# "):
            document.add_heading(paragraph[2:], level=1)
        else:
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def template_undefined() -> bytes:
    return _template("{{ title }}", "Signé à {{ signature_lieu }}")


def template_undefined_untaken() -> bytes:
    """A misspelled variable in a branch a final convention never takes."""
    return _template("{{ title }}", "{%p if is_draft %}", "Projet établi à {{ signature_lieux }}", "{%p endif %}")


def template_day_to_fill() -> bytes:
    """A « Fait à » line written before {{ signature_when }}: it states a day, whatever the manifest asks."""
    return _template("{{ title }}", "Fait à {{ signature_place }}, le {{ signature_date }}")


def template_split_tag() -> bytes:
    """A tag broken by a line break typed inside it."""
    return _template("{{ title }}", "Fait à {{ signature_", "place }}")


def template_if_across_table() -> bytes:
    """A condition opened in a table's cell and closed after the table: untaken, it cuts the table's end
    out, and docxtpl's lenient parsing would mend the rest silently, dropping the cell beside it."""
    return _template(
        "{{ title }}", ("Projet {% if is_draft %}à relire", "La cellule d'à côté"), "relu {% endif %}par le secrétariat"
    )


def template_no_signatures() -> bytes:
    """Everything but the « Signatures » heading (here a plain paragraph)."""
    return _template("{{ title }}", "Signatures", *SIGNATURES[1:], *ANNEXES, marks=False)


def template_own_articles() -> bytes:
    """A CTG template that types its articles instead of looping over the manifest's."""
    return _template("{{ title }}", "Article 1 – Objet de la convention", "La présente convention a pour objet…")


def template_unknown_filter() -> bytes:
    return _template("{{ title|uper }}")


def template_broken() -> bytes:
    return _template("{{ title }}", "{% for signatory in signatories %}{{ signatory.name }}")


def template_plain() -> bytes:
    return _template("{{ title }}")


def template_runtime() -> bytes:
    return _template("{{ title }}", "{{ title() }}")


def not_a_document() -> bytes:
    return b"Ceci n'est pas un document Word.\n"


def _permission_denied(*args: object, **kwargs: object) -> bytes:
    raise PermissionError(13, os.strerror(13))


def _truncated_body(document: object) -> list[tuple[str, bytes]]:
    """The filled package with its body XML cut in half: what a faulty step after docxtpl's would hand on."""
    return [
        (name, blob[: len(blob) // 2] if name == "word/document.xml" else blob)
        for name, blob in _PACKAGE_ENTRIES(document)
    ]


def _crash_on_one(convention: object, *args: object) -> object:
    """Render as usual, but for the convention whose id is `crash-me`: an exception no one meant (a bug)."""
    if getattr(convention, "id", "") == "crash-me":
        raise RuntimeError("an exception no rule foresaw")
    return _RENDER_DOCX(convention, *args)


try:  # the real functions, kept before a case patches them (this file also runs as a script, without paraphe)
    from paraphe.render.docx import _package_entries as _PACKAGE_ENTRIES
    from paraphe.render.docx import render_docx as _RENDER_DOCX
except ImportError:  # pragma: no cover
    _RENDER_DOCX = _PACKAGE_ENTRIES = None


def _read_only_unlink(path: Path, missing_ok: bool = False) -> None:
    """Path.unlink on a read-only disk: what exists cannot be removed (a missing file is still missing)."""
    import errno

    if path.exists():
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
    if not missing_ok:
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))


# Faults a case.toml injects into paraphe: [patch] "module.name" = "fault:<name>".
FAULTS: dict[str, Callable[..., object]] = {
    "permission-denied": _permission_denied,
    "truncated-body": _truncated_body,
    "crash-on-one": _crash_on_one,
    "read-only-unlink": _read_only_unlink,
}


GENERATORS: dict[str, Callable[[], bytes]] = {
    f.__name__: f
    for f in (
        valid,
        replacement,
        empty,
        truncated,
        word_renamed,
        plain_text,
        encrypted,
        javascript,
        open_action,
        open_action_destination,
        embedded_file,
        clashing_fields,
        bomb,
        cyclic_page_tree,
        no_page,
        oversized_manifest,
        latin1_manifest,
        bom_manifest,
        nul_manifest,
        many_values_manifest,
        long_title_manifest,
        lone_cr_manifest,
        thousand_actions,
        thousand_actions_renamed,
        line_separator_manifest,
        template_undefined,
        template_undefined_untaken,
        template_day_to_fill,
        template_split_tag,
        template_if_across_table,
        template_no_signatures,
        template_own_articles,
        template_unknown_filter,
        template_broken,
        template_runtime,
        template_plain,
        not_a_document,
        launch_action,
        signature_field,
        signatures_outline,
        dangling_annotation,
        untyped_attachment,
        javascript_behind_link_page,
        file_link,
        javascript_uri,
        zero_area_page,
        empty_crop_box,
        giant_page,
        slanted_page,
        rotated_and_cropped,
        shared_contents,
    )
}

# What a checkout cannot hold: special files, and links that point out of the case.
SPECIAL = {"fifo", "symlink-outside", "directory", "sparse-oversized", "io-error"}


def config(case: Path) -> dict[str, object]:
    path = case / "case.toml"
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def make_inputs(case: Path, target: Path) -> Path:
    """Copy `case` to `target` and make the inputs its case.toml names; return `target`."""
    shutil.copytree(case, target, symlinks=True)
    inputs = config(case).get("inputs", {})
    assert isinstance(inputs, dict)
    for name, generator in inputs.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if generator == "fifo":
            os.mkfifo(path)
        elif generator == "directory":
            path.mkdir()
        elif generator == "sparse-oversized":
            with path.open("wb") as handle:  # 100 MB and one byte of nothing: takes no room on disk
                handle.truncate(100 * 1024 * 1024 + 1)
        elif generator == "io-error":
            path.symlink_to("/proc/self/mem")  # a regular file whose reading at offset 0 fails (EIO)
        elif generator == "symlink-outside":
            secret = target.parent / f"{target.name}-outside.pdf"
            secret.write_bytes(valid())
            path.symlink_to(os.path.relpath(secret, path.parent))
        else:
            path.write_bytes(GENERATORS[generator]())
    return target


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: hostile_inputs.py CASE_FOLDER TARGET_FOLDER")
    print(make_inputs(Path(sys.argv[1]), Path(sys.argv[2])))
