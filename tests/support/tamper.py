"""Real signed builds of the minimal manifest, and the recipes that tamper with them.

`make_documents` builds and signs once; each recipe writes `document.pdf` (and what else its
case needs) into a case's working folder, from one of those documents. A case of
`tests/cases/verify/` names its recipe in `case.toml`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner

from paraphe.cli.main import cli
from paraphe.sign import load_pem, load_pkcs12
from paraphe.sign.throwaway import Issued, ThrowawayPki, make_root

TESTS = Path(__file__).resolve().parent.parent
MINIMAL = TESTS / "manifests" / "minimal" / "sdsf-mini.yaml"
# The moment the documents are built, signed and verified: dates in the diagnostics stay the same.
MOMENT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
SIGNATORIES = {
    "prefete": "Valérie HATSCH",
    "directrice-ccss": "Ghislaine CHARBONNEL",
    "presidente-departement": "Sophie PANTEL",
}


@dataclass(frozen=True)
class Documents:
    """The minimal manifest built (final and certified, and as a draft), then signed by the préfète."""

    manifest: Path  # the final manifest the documents were built from
    certified: Path  # final, certified by the secretariat, nobody has signed
    signed: Path  # `certified`, signed by the préfète (1 of 3)
    draft: Path  # status: draft, no signature field
    root: Path  # the root certificate of every signer's
    other_root: Path  # a root that issued none of them
    people: dict[str, Issued]  # by signatory id
    uncertified: Path  # final, built without a certification key: only signatures protect it
    uncertified_signed: Path  # `uncertified`, signed by the préfète
    form_signed: Path  # final, uncertified, an annex with a text field « montant »; signed by the préfète
    odd: dict[str, Issued]  # certificates `paraphe sign` refuses: expired, not-yet-valid, no-non-repudiation…
    crl: Path  # the root's revocation list: the « revoked » certificate of `odd` is on it
    secretariat: Issued
    avenant: Path | None = None  # an avenant to `manifest`, citing `signed` as the convention it amends; unsigned

    def placeholders(self) -> dict[str, str]:
        return {
            "{manifest}": str(self.manifest),
            "{root}": str(self.root),
            "{other-root}": str(self.other_root),
            "{crl}": str(self.crl),
        }


def make_documents(folder: Path) -> Documents:
    now = dt.datetime.now(dt.UTC)
    validity = {"not_before": now - dt.timedelta(days=1), "not_after": now + dt.timedelta(days=365)}
    pki = folder / "pki"
    root: ThrowawayPki = make_root(pki, **validity)
    other = make_root(pki / "other", **validity, name="Autre autorité de DÉMONSTRATION")
    people = {sid: root.issue(name, pki, stem=sid) for sid, name in SIGNATORIES.items()}
    secretariat = root.issue("Secrétariat du SDSF", pki, stem="secretariat")
    hatsch = SIGNATORIES["prefete"]
    day = dt.timedelta(days=1)
    odd = {
        "expired": root.issue(hatsch, pki, stem="expired", not_before=now - 30 * day, not_after=now - day),
        "not-yet-valid": root.issue(hatsch, pki, stem="not-yet-valid", not_before=now + 10 * day),
        "no-non-repudiation": root.issue(hatsch, pki, stem="no-non-repudiation", non_repudiation=False),
        "split-name": root.issue(hatsch, pki, stem="split-name", common_names=("Valérie", "HATSCH")),
        "revoked": root.issue(hatsch, pki, stem="revoked"),
        "homonym": other.issue(hatsch, pki / "other", stem="homonym"),
    }
    crl = root.revocation_list([odd["revoked"].cert], pki / "root.crl", now=now)
    manifests = folder / "conventions"
    # Dated the day the documents are signed: the cases say nothing of the date the document states.
    text = MINIMAL.read_text(encoding="utf-8").replace('date: "2020-10-09"', f'date: "{MOMENT:%Y-%m-%d}"')
    for status in ("final", "draft"):
        (manifests / status).mkdir(parents=True)
        (manifests / status / "sdsf-mini.yaml").write_text(text.replace("status: final", f"status: {status}"))
    out = folder / "build"
    built = _paraphe("build", str(manifests), "--out", str(out), "-j", "1", "--certify-pkcs12", str(secretariat.pkcs12))
    assert "2 built" in built, built
    # The same final manifest built without certification, and one whose annex carries a text field.
    (manifests / "form" / "annexes").mkdir(parents=True)
    _form_annex(manifests / "form" / "annexes" / "montant.pdf")
    annex = "  - {title: Montant, file: annexes/montant.pdf}\n"
    (manifests / "form" / "sdsf-mini.yaml").write_text(text.replace("annexes:\n", "annexes:\n" + annex))
    plain = folder / "plain"
    built = _paraphe(
        "build", str(manifests / "final"), str(manifests / "form"), "--out", str(plain), "-j", "1", "--no-certify"
    )
    assert "2 built" in built, built
    certified = out / "final" / "sdsf-mini.pdf"
    signed = folder / "signed.pdf"
    _paraphe("sign", str(certified), str(signed), "--signatory", "prefete", "--pkcs12", str(people["prefete"].pkcs12))
    uncertified = plain / "final" / "sdsf-mini.pdf"
    uncertified_signed = folder / "uncertified-signed.pdf"
    prefete = str(people["prefete"].pkcs12)
    _paraphe("sign", str(uncertified), str(uncertified_signed), "--signatory", "prefete", "--pkcs12", prefete)
    form_signed = folder / "form-signed.pdf"
    _paraphe(
        "sign", str(plain / "form" / "sdsf-mini.pdf"), str(form_signed), "--signatory", "prefete", "--pkcs12", prefete
    )
    avenant = _avenant(folder, manifests, signed)
    return Documents(
        manifests / "final" / "sdsf-mini.yaml",
        certified,
        signed,
        out / "draft" / "sdsf-mini.pdf",
        root.root_cert,
        other.root_cert,
        people,
        uncertified,
        uncertified_signed,
        form_signed,
        odd,
        crl,
        secretariat,
        avenant,
    )


def _avenant(folder: Path, manifests: Path, signed: Path) -> Path:
    """Avenant n° 1 to the minimal SDSF (one more year), citing its copy signed by the préfète."""
    final = manifests / "final" / "sdsf-mini.yaml"
    (manifests / "avenant").mkdir()
    extended = final.read_text(encoding="utf-8").replace("  end: 2023\n", "  end: 2024\n", 1)
    (manifests / "avenant" / "sdsf-mini-2024.yaml").write_text(extended, encoding="utf-8")
    (manifests / "avenant" / "avenant-1.yaml").write_text(
        "id: sdsf-mini-avenant-1\nkind: avenant\nstatus: final\nnumber: 1\n"
        f"amends: {{manifest: ../final/sdsf-mini.yaml, signed: {signed}}}\n"
        "amended: {manifest: sdsf-mini-2024.yaml}\nsignature: {place: Mende, date: '2021-01-04'}\n",
        encoding="utf-8",
    )
    out = folder / "avenant-build"
    _paraphe("build", str(manifests / "avenant" / "avenant-1.yaml"), "--out", str(out), "--no-certify")
    return out / "avenant" / "avenant-1.pdf"


def _form_annex(path: Path) -> None:
    """One page with a filled-in text field « montant » (1 000 EUR), drawn by its appearance."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    helvetica = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    shown = DecodedStreamObject()
    shown.set_data(b"/Tx BMC BT /Helv 14 Tf 0 g 2 6 Td (1 000 EUR) Tj ET EMC")
    shown.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(200), FloatObject(24)]),
            NameObject("/Resources"): DictionaryObject(
                {NameObject("/Font"): DictionaryObject({NameObject("/Helv"): helvetica})}
            ),
        }
    )
    widget = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Tx"),
                NameObject("/T"): TextStringObject("montant"),
                NameObject("/V"): TextStringObject("1 000 EUR"),
                NameObject("/DA"): TextStringObject("/Helv 14 Tf 0 g"),
                NameObject("/F"): NumberObject(4),
                NameObject("/Rect"): ArrayObject(
                    [FloatObject(72), FloatObject(700), FloatObject(272), FloatObject(724)]
                ),
                NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(shown)}),
            }
        )
    )
    page[NameObject("/Annots")] = ArrayObject([widget])
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject([widget]),
            NameObject("/DR"): DictionaryObject(
                {NameObject("/Font"): DictionaryObject({NameObject("/Helv"): helvetica})}
            ),
            NameObject("/DA"): TextStringObject("/Helv 0 Tf 0 g"),
        }
    )
    writer.write(path)


def _paraphe(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


# --- ways to write a PDF that is not what was built ------------------------------------------------------------


def _write(writer: IncrementalPdfFileWriter, out: Path) -> None:
    buffer = io.BytesIO()
    writer.write(buffer)
    out.write_bytes(buffer.getvalue())


def _incremental(pdf: Path) -> IncrementalPdfFileWriter:
    return IncrementalPdfFileWriter(io.BytesIO(pdf.read_bytes()), strict=False)


def _sign_field(pdf: Path, out: Path, field: str, signer: SimpleSigner, *, new: bool = False) -> None:
    """A signature made with pyHanko directly: what `paraphe sign` refuses to make."""
    meta = PdfSignatureMetadata(field_name=field, subfilter=SigSeedSubFilter.PADES)
    signed = PdfSigner(meta, signer=signer).sign_pdf(_incremental(pdf), existing_fields_only=not new)
    out.write_bytes(signed.getvalue())


def _signer(issued: Issued) -> SimpleSigner:
    return load_pkcs12(issued.pkcs12, None).signer


def flipped_byte(docs: Documents, out: Path) -> None:
    """One byte of the document's title, inside what every signature covers."""
    data = bytearray(docs.signed.read_bytes())
    at = data.index(b"/Creator (paraphe") + len(b"/Creator (p")
    data[at] ^= 0x01
    (out / "document.pdf").write_bytes(bytes(data))


def page_content_after_signing(docs: Documents, out: Path) -> None:
    """A red box drawn on page 1 in an update after the préfète's signature."""
    writer = _incremental(docs.signed)
    stream = generic.StreamObject(stream_data=b"q 1 0 0 rg 100 400 200 50 re f Q")
    writer.add_stream_to_page(0, writer.add_object(stream))
    _write(writer, out / "document.pdf")


def signed(docs: Documents, out: Path) -> None:
    shutil.copy(docs.signed, out / "document.pdf")


def convention_with_original(docs: Documents, out: Path) -> None:
    """`--original` given with a convention, which amends nothing."""
    signed(docs, out)
    shutil.copy(docs.signed, out / "original.pdf")


def avenant_with_another_original(docs: Documents, out: Path) -> None:
    """The avenant presented with a signed build of another version of the convention's manifest."""
    assert docs.avenant is not None
    shutil.copy(docs.avenant, out / "document.pdf")
    shutil.copy(docs.form_signed, out / "original.pdf")


def avenant_with_original_not_fully_signed(docs: Documents, out: Path) -> None:
    """The avenant with the convention it cites, which only the préfète has signed (1 of 3)."""
    assert docs.avenant is not None
    shutil.copy(docs.avenant, out / "document.pdf")
    shutil.copy(docs.signed, out / "original.pdf")


def signed_and_revocation_list(docs: Documents, out: Path) -> None:
    signed(docs, out)
    shutil.copy(docs.crl, out / "root.crl")


def draft(docs: Documents, out: Path) -> None:
    shutil.copy(docs.draft, out / "document.pdf")


def someone_elses_certificate(docs: Documents, out: Path) -> None:
    """The préfète's field signed with the CCSS director's key and certificate."""
    _sign_field(docs.certified, out / "document.pdf", "prefete", _signer(docs.people["directrice-ccss"]))


def key_not_the_certificates(docs: Documents, out: Path) -> None:
    """The préfète's certificate, and the CCSS director's key: the signature value cannot match."""
    mismatched = load_pem(docs.people["directrice-ccss"].key, docs.people["prefete"].cert, None)
    _sign_field(docs.certified, out / "document.pdf", "prefete", mismatched.signer)


def fake_certification(docs: Documents, out: Path) -> None:
    """An ordinary signature in a new field named like the secretariat's certification, on the draft."""
    _sign_field(docs.draft, out / "document.pdf", "certification", _signer(docs.people["prefete"]), new=True)


def forged_record(docs: Documents, out: Path) -> None:
    """A later revision whose build record no longer lists the last signatory."""
    writer = _incremental(docs.signed)
    info_ref = writer.trailer.raw_get("/Info")
    info = info_ref.get_object()
    record = json.loads(str(info["/ParapheBuild"]))
    record["signatories"] = [s for s in record["signatories"] if s["id"] != "presidente-departement"]
    info[generic.NameObject("/ParapheBuild")] = generic.TextStringObject(json.dumps(record, ensure_ascii=False))
    writer.mark_update(info_ref)
    _write(writer, out / "document.pdf")


def field_removed(docs: Documents, out: Path) -> None:
    """The CCSS director's empty signature field taken out of the form: nobody can sign there any more."""
    writer = _incremental(docs.signed)
    form = writer.root["/AcroForm"]
    fields = form["/Fields"]
    kept = [ref for ref in fields if ref.get_object().get("/T") != "directrice-ccss"]
    form[generic.NameObject("/Fields")] = generic.ArrayObject(kept)
    writer.update_container(form)
    _write(writer, out / "document.pdf")


def open_action(docs: Documents, out: Path) -> None:
    """Nothing on the pages changes: a script runs when the (unsigned) draft opens."""
    writer = _incremental(docs.draft)
    action = generic.DictionaryObject(
        {
            generic.NameObject("/S"): generic.NameObject("/JavaScript"),
            generic.NameObject("/JS"): generic.TextStringObject("app.alert('signé ?')"),
        }
    )
    writer.root[generic.NameObject("/OpenAction")] = writer.add_object(action)
    writer.update_root()
    _write(writer, out / "document.pdf")


def unknown_subfilter(docs: Documents, out: Path) -> None:
    """The préfète's signature dictionary names a SubFilter no reader knows: nobody can check it."""
    data = docs.signed.read_bytes()
    at = data.rindex(b"/ETSI.CAdES.detached")
    (out / "document.pdf").write_bytes(data[:at] + b"/ETSI.CAdES.detachee" + data[at + 20 :])


def unknown_digest(docs: Documents, out: Path) -> None:
    """The préfète's signature claims a digest algorithm (SHA-2 number 127) that does not exist."""
    data = docs.signed.read_bytes()
    found = list(re.finditer(rb"/Contents <([0-9a-fA-F]+)>", data))[-1]
    contents = (
        found.group(1).lower().replace(b"608648016503040201", b"60864801650304027f")
    )  # OID 2.16.840.1.101.3.4.2.x
    (out / "document.pdf").write_bytes(data[: found.start(1)] + contents + data[found.end(1) :])


def not_built_by_paraphe(docs: Documents, out: Path) -> None:
    """A PDF of one page that paraphe never built: no build record."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(out / "document.pdf")


def not_a_pdf(docs: Documents, out: Path) -> None:
    (out / "document.pdf").write_text("Convention signée, promis.\n", encoding="utf-8")


def fifo(docs: Documents, out: Path) -> None:
    """A named pipe where the PDF should be: reading it would wait forever for a writer."""
    os.mkfifo(out / "document.pdf")


def other_manifest(docs: Documents, out: Path) -> None:
    """The signed document, and a manifest that says Marvejols where the built one said Mende."""
    signed(docs, out)
    changed = out / "conventions" / "final" / "sdsf-mini.yaml"
    changed.parent.mkdir(parents=True)
    changed.write_text(docs.manifest.read_text(encoding="utf-8").replace("Mende", "Marvejols"), encoding="utf-8")


def other_annexes(docs: Documents, out: Path) -> None:
    """The signed document, and its manifest with one more annex, a PDF file, than it was built with."""
    from pypdf import PdfWriter

    signed(docs, out)
    folder = out / "conventions" / "final"
    (folder / "annexes").mkdir(parents=True)
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(folder / "annexes" / "charte.pdf")
    text = docs.manifest.read_text(encoding="utf-8")
    annex = "  - {title: Charte, file: annexes/charte.pdf}\n"
    (folder / "sdsf-mini.yaml").write_text(text.replace("annexes:\n", "annexes:\n" + annex), encoding="utf-8")


def not_a_certificate(docs: Documents, out: Path) -> None:
    signed(docs, out)
    (out / "root.pem").write_text("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n")


# --- the « PDF insecurity » families, and more: each writes what `verify` must reject ------------------------------

ANNULEE = b"BT /F1 28 Tf 1 0 0 rg 60 760 Td (CONVENTION ANNULEE - Montant global : 9 999 999 EUR) Tj ET"


def _overlay(writer: IncrementalPdfFileWriter, page: int = 0) -> None:
    """A white box and the attacker's text drawn over the top of a page (its own font)."""
    font = writer.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Font"),
                generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
                generic.NameObject("/BaseFont"): generic.NameObject("/Helvetica-Bold"),
            }
        )
    )
    page_ref = writer.find_page_for_modification(page)[0]
    page_obj = page_ref.get_object()
    resources = page_obj["/Resources"]
    fonts = resources.raw_get("/Font")
    if isinstance(fonts, generic.IndirectObject):
        fonts = fonts.get_object()
        fonts[generic.NameObject("/F1")] = font
        writer.update_container(fonts)
    else:
        fonts[generic.NameObject("/F1")] = font
        writer.update_container(resources)
    stream = generic.StreamObject(stream_data=b"q 1 g 40 740 520 60 re f Q " + ANNULEE)
    writer.add_stream_to_page(page, writer.add_object(stream))


def _sign_after(
    pdf: Path,
    out: Path,
    field: str,
    signer: SimpleSigner,
    change: Callable[[IncrementalPdfFileWriter], None] | None = None,
    **spec: object,
) -> None:
    """`field` signed with pyHanko, `change` made in the very revision the signature covers."""
    writer = _incremental(pdf)
    if change is not None:
        change(writer)
    meta = PdfSignatureMetadata(field_name=field, subfilter=SigSeedSubFilter.PADES, **spec)  # type: ignore[arg-type]
    out.write_bytes(
        PdfSigner(meta, signer=signer).sign_pdf(writer, existing_fields_only=field != "certification").getvalue()
    )


def update_without_eof(docs: Documents, out: Path) -> None:
    """An update after the last signature, its `%%EOF` left off: poppler and qpdf show it, pyHanko reads past it."""
    writer = _incremental(docs.signed)
    _overlay(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    (out / "document.pdf").write_bytes(data[: data.rindex(b"%%EOF")])


def revisions_merged(docs: Documents, out: Path) -> None:
    """An update whose cross-reference lists every object and names no earlier one (/Prev): one revision.

    Readers see a document of a single revision, the attacker's page 1 in it; the signatures, made
    on earlier revisions that no longer exist as such, still hash to what they covered.
    """
    from pypdf import PdfReader

    writer = _incremental(docs.signed)
    _overlay(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    offsets = {}
    for generation, table in PdfReader(io.BytesIO(data)).xref.items():
        offsets.update({number: (offset, generation) for number, offset in table.items()})
    size = int(re.findall(rb"/Size (\d+)", data)[-1])
    start = data.rindex(b"xref\n", 0, data.rindex(b"startxref"))
    lines = [b"xref", b"0 %d" % size, b"0000000000 65535 f "]
    lines += [b"%010d %05d n " % offsets[n] if n in offsets else b"0000000000 00000 f " for n in range(1, size)]
    trailer = re.search(rb"trailer\s*<<(.*?)>>\s*startxref", data[start:], re.S)
    assert trailer is not None
    entries = re.sub(rb"/Prev \d+", b"", trailer.group(1))
    tail = b"\n".join(lines) + b"\ntrailer\n<<" + entries + b">>\nstartxref\n%d\n%%%%EOF\n" % start
    (out / "document.pdf").write_bytes(data[:start] + tail)


def objects_without_xref(docs: Documents, out: Path) -> None:
    """An object defined after the last `%%EOF`, with no cross-reference: readers that recover use it."""
    data = docs.signed.read_bytes()
    (out / "document.pdf").write_bytes(
        data + b"\n9999 0 obj\n<< /Length 20 >>\nstream\n1 0 0 rg 0 0 595 842 re f\nendstream\nendobj\n"
    )


def first_signer_script(docs: Documents, out: Path) -> None:
    """Uncertified: the préfète's own revision adds a script that runs on opening; her signature covers it."""

    def script(writer: IncrementalPdfFileWriter) -> None:
        action = generic.DictionaryObject(
            {
                generic.NameObject("/S"): generic.NameObject("/JavaScript"),
                generic.NameObject("/JS"): generic.TextStringObject("app.alert('signé ?')"),
            }
        )
        writer.root[generic.NameObject("/OpenAction")] = writer.add_object(action)
        writer.update_root()

    _sign_after(docs.uncertified, out / "document.pdf", "prefete", _signer(docs.people["prefete"]), script)


def first_signer_font(docs: Documents, out: Path) -> None:
    """Uncertified: the préfète's own revision redraws the glyphs of the body's font (« 2018 » read « 2048 »)."""

    def swap(writer: IncrementalPdfFileWriter) -> None:
        fonts = writer.root["/Pages"]["/Kids"][0].get_object()["/Resources"]["/Font"]
        name = sorted(fonts)[0]
        font = fonts[name].get_object()
        descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        descriptor = descriptor.get_object()
        key = next(k for k in ("/FontFile2", "/FontFile", "/FontFile3") if k in descriptor)
        original = descriptor.raw_get(key)
        program = original.get_object()
        data = bytearray(program.data)
        data[len(data) // 2] ^= 0xFF  # another outline for some glyph: the text is the same, what it shows is not
        replaced = generic.StreamObject(stream_data=bytes(data))
        writer.update_container(program)
        program._data = replaced.data  # same object number, other bytes: a font override
        program._encoded_data = None
        program.pop("/Filter", None)
        program.pop("/DecodeParms", None)

    _sign_after(docs.uncertified, out / "document.pdf", "prefete", _signer(docs.people["prefete"]), swap)


def first_signer_overlay(docs: Documents, out: Path) -> None:
    """Uncertified, evil annotation: the préfète's own revision adds a stamp that covers page 1's title."""

    def stamp(writer: IncrementalPdfFileWriter) -> None:
        appearance = generic.StreamObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/XObject"),
                generic.NameObject("/Subtype"): generic.NameObject("/Form"),
                generic.NameObject("/BBox"): generic.ArrayObject(map(generic.FloatObject, (0, 0, 520, 60))),
            },
            stream_data=b"1 g 0 0 520 60 re f 1 0 0 rg 0 0 520 60 re S",
        )
        annotation = generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/Stamp"),
                generic.NameObject("/F"): generic.NumberObject(4),
                generic.NameObject("/Rect"): generic.ArrayObject(map(generic.FloatObject, (40, 740, 560, 800))),
                generic.NameObject("/AP"): generic.DictionaryObject(
                    {generic.NameObject("/N"): writer.add_object(appearance)}
                ),
            }
        )
        writer.register_annotation(writer.find_page_for_modification(0)[0], writer.add_object(annotation))

    _sign_after(docs.uncertified, out / "document.pdf", "prefete", _signer(docs.people["prefete"]), stamp)


def first_signer_content(docs: Documents, out: Path) -> None:
    """Uncertified, shadow « hide and replace »: the préfète's own revision draws over page 1."""
    _sign_after(docs.uncertified, out / "document.pdf", "prefete", _signer(docs.people["prefete"]), _overlay)


def certified_signer_overlay(docs: Documents, out: Path) -> None:
    """Certified, evil annotation: the CCSS director's revision adds an annotation beside her signature."""

    def note(writer: IncrementalPdfFileWriter) -> None:
        annotation = generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
                generic.NameObject("/Rect"): generic.ArrayObject(map(generic.FloatObject, (60, 760, 560, 800))),
                generic.NameObject("/Contents"): generic.TextStringObject("CONVENTION ANNULÉE"),
                generic.NameObject("/DA"): generic.TextStringObject("/Helv 24 Tf 1 0 0 rg"),
            }
        )
        writer.register_annotation(writer.find_page_for_modification(0)[0], writer.add_object(annotation))

    _sign_after(docs.signed, out / "document.pdf", "directrice-ccss", _signer(docs.people["directrice-ccss"]), note)


def field_value_in_signature(docs: Documents, out: Path) -> None:
    """Shadow « replace »: the annex's amount field rewritten in the CCSS director's signed revision."""

    def amount(writer: IncrementalPdfFileWriter) -> None:
        # The annex's widget, on its page: the build keeps it there (the form lists only signature fields).
        pages = writer.root["/Pages"]["/Kids"]
        for ref in (a for page in pages for a in page.get_object().get("/Annots") or ()):
            field = ref.get_object()
            if field.get("/T") == "montant":
                field[generic.NameObject("/V")] = generic.TextStringObject("9 999 999 EUR")
                shown = field["/AP"]["/N"].get_object()
                shown._data = shown.data.replace(b"(1 000 EUR)", b"(9 999 999 EUR)")
                shown._encoded_data = None
                shown.pop("/Filter", None)
                writer.update_container(shown)
                writer.update_container(field)

    _sign_after(
        docs.form_signed, out / "document.pdf", "directrice-ccss", _signer(docs.people["directrice-ccss"]), amount
    )


def title_in_signature(docs: Documents, out: Path) -> None:
    """The title a viewer shows in its window, rewritten in the CCSS director's signed revision."""

    def title(writer: IncrementalPdfFileWriter) -> None:
        info_ref = writer.trailer.raw_get("/Info")
        info = info_ref.get_object()
        info[generic.NameObject("/Title")] = generic.TextStringObject("CONVENTION ANNULÉE")
        writer.mark_update(info_ref)

    _sign_after(docs.signed, out / "document.pdf", "directrice-ccss", _signer(docs.people["directrice-ccss"]), title)


def xmp_title_in_signature(docs: Documents, out: Path) -> None:
    """The XMP metadata's title (what some viewers show) replaced in the CCSS director's signed revision."""

    def title(writer: IncrementalPdfFileWriter) -> None:
        metadata = writer.root["/Metadata"]
        packet = re.sub(
            rb'(<dc:title[^>]*><rdf:Alt><rdf:li xml:lang="x-default">)[^<]*',
            rb"\1CONVENTION ANNULEE",
            metadata.data,
        )
        assert packet != metadata.data
        metadata._data = packet
        metadata._encoded_data = None
        metadata.pop("/Filter", None)
        writer.update_container(metadata)

    _sign_after(docs.signed, out / "document.pdf", "directrice-ccss", _signer(docs.people["directrice-ccss"]), title)


def earlier_appearance(docs: Documents, out: Path) -> None:
    """The préfète's visible signature redrawn (« ANNULÉ ») in the CCSS director's signed revision."""

    def redraw(writer: IncrementalPdfFileWriter) -> None:
        for ref in writer.root["/AcroForm"]["/Fields"]:
            field = ref.get_object()
            if field.get("/T") == "prefete":
                shown = field["/AP"]["/N"].get_object()
                stamp = generic.StreamObject(
                    {k: v for k, v in shown.items() if k in ("/Type", "/Subtype", "/BBox", "/Resources")},
                    stream_data=b"1 0 0 rg 0 0 200 60 re f",
                )
                field["/AP"] = generic.DictionaryObject({generic.NameObject("/N"): writer.add_object(stamp)})
                writer.update_container(field)

    _sign_after(docs.signed, out / "document.pdf", "directrice-ccss", _signer(docs.people["directrice-ccss"]), redraw)


def pending_appearance(docs: Documents, out: Path) -> None:
    """Uncertified: the préfète's own revision draws « signed » in the CCSS director's still empty box."""

    def fake(writer: IncrementalPdfFileWriter) -> None:
        for ref in writer.root["/AcroForm"]["/Fields"]:
            field = ref.get_object()
            if field.get("/T") == "directrice-ccss":
                shown = field["/AP"]["/N"].get_object()
                stamp = generic.StreamObject(
                    {k: v for k, v in shown.items() if k in ("/Type", "/Subtype", "/BBox")},
                    stream_data=b"0 0 1 rg 10 10 200 50 re f",
                )
                field["/AP"] = generic.DictionaryObject({generic.NameObject("/N"): writer.add_object(stamp)})
                writer.update_container(field)

    _sign_after(docs.uncertified, out / "document.pdf", "prefete", _signer(docs.people["prefete"]), fake)


def sneaky_signature(docs: Documents, out: Path) -> None:
    """Sneaky signature: a new, visible signature field whose appearance paints over page 1, signed."""
    from pyhanko.sign.fields import SigFieldSpec
    from pyhanko.stamp import TextStampStyle

    writer = _incremental(docs.signed)
    meta = PdfSignatureMetadata(field_name="visa", subfilter=SigSeedSubFilter.PADES)
    style = TextStampStyle(stamp_text="CONVENTION ANNULÉE\nMontant global : 9 999 999 EUR", background_opacity=1)
    signer = PdfSigner(
        meta,
        signer=_signer(docs.people["directrice-ccss"]),
        stamp_style=style,
        new_field_spec=SigFieldSpec("visa", on_page=0, box=(40, 700, 560, 800)),
    )
    (out / "document.pdf").write_bytes(signer.sign_pdf(writer).getvalue())


def duplicate_field(docs: Documents, out: Path) -> None:
    """A second field named « prefete » on page 1, empty: which one a reader calls the préfète's is a guess."""
    writer = _incremental(docs.certified)
    form = writer.root["/AcroForm"]
    original = next(ref.get_object() for ref in form["/Fields"] if ref.get_object().get("/T") == "prefete")
    page_ref = writer.find_page_for_modification(0)[0]
    twin = generic.DictionaryObject({k: v for k, v in original.items() if k not in ("/P", "/AP")})
    twin[generic.NameObject("/P")] = page_ref
    twin_ref = writer.add_object(twin)
    form["/Fields"].append(twin_ref)
    writer.update_container(form)
    writer.register_annotation(page_ref, twin_ref)
    _write(writer, out / "document.pdf")


def certification_cut(docs: Documents, out: Path) -> None:
    """The file truncated to the build's own revision: the certification cut off before anyone signs."""
    data = docs.signed.read_bytes()
    end = re.search(rb"%%EOF\r?\n?", data)
    assert end is not None
    (out / "document.pdf").write_bytes(data[: end.end()])


def certified_by_someone(docs: Documents, out: Path) -> None:
    """A document built not to be certified, certified afterwards (with the préfète's key)."""
    _sign_after(docs.uncertified, out / "document.pdf", "certification", _signer(docs.people["prefete"]), certify=True)


def certified_again(docs: Documents, out: Path) -> None:
    """The certification cut off, and made again with another key than the secretariat's."""
    certification_cut(docs, out)
    cut = out / "cut.pdf"
    (out / "document.pdf").rename(cut)
    _sign_after(cut, out / "document.pdf", "certification", _signer(docs.people["directrice-ccss"]), certify=True)


def empty_contents(docs: Documents, out: Path) -> None:
    """Universal signature forgery: the préfète's /Contents emptied (zeros): a signature with nothing to check."""
    data = docs.signed.read_bytes()
    found = list(re.finditer(rb"/Contents <([0-9a-fA-F]+)>", data))[-1]
    zeros = b"0" * len(found.group(1))
    (out / "document.pdf").write_bytes(data[: found.start(1)] + zeros + data[found.end(1) :])


def signature_wrapping(docs: Documents, out: Path) -> None:
    """Signature wrapping: the préfète's signature value shortened, the unsigned rest of its hole rewritten.

    The bytes between the two signed ranges are meant to hold the signature value only: here they
    also hold a key of the attacker's, read as part of the signature dictionary.
    """
    data = docs.signed.read_bytes()
    found = list(re.finditer(rb"/Contents <([0-9a-fA-F]+)>", data))[-1]
    value = found.group(1).rstrip(b"0")
    value += b"0" * (len(value) % 2)
    payload = b"<" + value + b"> /Wrapped (9 999 999 EUR)"
    payload += b" " * (len(found.group(1)) + 2 - len(payload))
    (out / "document.pdf").write_bytes(data[: found.start(1) - 1] + payload + data[found.end(1) + 1 :])


def many_revisions(docs: Documents, out: Path, count: int = 9000) -> None:
    """9 000 empty updates after the last signature: verifying them all once took 43 s."""
    data = docs.signed.read_bytes()
    chunks = [data]
    size = len(data)
    previous = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    trailer = re.findall(rb"/Root (\d+ \d+ R)", data)[-1]
    objects = int(re.findall(rb"/Size (\d+)", data)[-1])
    for _ in range(count):
        update = b"xref\n0 0\ntrailer\n<< /Size %d /Root %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
            objects,
            trailer,
            previous,
            size,
        )
        chunks.append(update)
        previous = size
        size += len(update)
    (out / "document.pdf").write_bytes(b"".join(chunks))


def more_revisions_than_signatories(docs: Documents, out: Path) -> None:
    """20 empty updates: few, but more than three signatories and their validation data can make."""
    many_revisions(docs, out, count=20)


def old_record(docs: Documents, out: Path) -> None:
    """The draft as an older paraphe recorded it: a content digest of another version."""
    data = docs.draft.read_bytes()
    # The record is a PDF literal string, its JSON written as it is (qpdf escapes only what it must).
    old = data.replace(b'"content":"v2:', b'"content":"v1:', 1)
    assert old != data
    (out / "document.pdf").write_bytes(old)


def _odd_signature(docs: Documents, out: Path, who: str) -> None:
    _sign_after(docs.certified, out / "document.pdf", "prefete", _signer(docs.odd[who]))


def expired_certificate(docs: Documents, out: Path) -> None:
    _odd_signature(docs, out, "expired")


def not_yet_valid_certificate(docs: Documents, out: Path) -> None:
    _odd_signature(docs, out, "not-yet-valid")


def no_non_repudiation(docs: Documents, out: Path) -> None:
    _odd_signature(docs, out, "no-non-repudiation")


def split_name(docs: Documents, out: Path) -> None:
    _odd_signature(docs, out, "split-name")


def homonym(docs: Documents, out: Path) -> None:
    _odd_signature(docs, out, "homonym")


def revoked(docs: Documents, out: Path) -> None:
    _odd_signature(docs, out, "revoked")


def _claiming(claimed: dt.datetime, docs: Documents, out: Path, pdf: Path, field: str) -> None:
    """`field` signed by its signatory with a clock that says `claimed`."""
    from unittest import mock

    import pyhanko.sign.signers.pdf_signer as pdf_signer

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Clock:  # type: ignore[override]
            return cls.fromtimestamp(claimed.timestamp(), tz)

    with mock.patch.object(pdf_signer, "datetime", Clock):
        _sign_after(pdf, out / "document.pdf", field, _signer(docs.people[field]))


def backdated(docs: Documents, out: Path) -> None:
    """The préfète's signature claims 9 October 2020: her certificate was issued yesterday."""
    _claiming(dt.datetime(2020, 10, 9, 10, 0, tzinfo=dt.UTC), docs, out, docs.certified, "prefete")


def future_dated(docs: Documents, out: Path) -> None:
    """The préfète's signature claims a time two days after the moment of the tests."""
    _claiming(MOMENT + dt.timedelta(days=2), docs, out, docs.certified, "prefete")


def out_of_order(docs: Documents, out: Path) -> None:
    """The CCSS director, signing after the préfète, claims to have signed twelve hours before her."""
    _claiming(MOMENT - dt.timedelta(hours=12), docs, out, docs.signed, "directrice-ccss")


def _dss(writer: IncrementalPdfFileWriter, docs: Documents) -> None:
    """A /DSS in the catalog holding the root's certificate, as long-term validation data does."""
    from pyhanko.keys import load_cert_from_pemder

    cert = writer.add_object(generic.StreamObject(stream_data=load_cert_from_pemder(str(docs.root)).dump()))
    dss = generic.DictionaryObject({generic.NameObject("/Certs"): generic.ArrayObject([cert])})
    writer.root[generic.NameObject("/DSS")] = writer.add_object(dss)
    writer.update_root()


def dss_only_update(docs: Documents, out: Path) -> None:
    """Validation data appended after the préfète's signature by pyHanko itself (B-LT): allowed."""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.sign.validation import DocumentSecurityStore

    signed_pdf = io.BytesIO(docs.signed.read_bytes())
    certs = [load_cert_from_pemder(str(docs.root)), load_cert_from_pemder(str(docs.people["prefete"].cert))]
    DocumentSecurityStore.add_dss(signed_pdf, b"", certs=certs)  # no signature contents: no /VRI
    (out / "document.pdf").write_bytes(signed_pdf.getvalue())


def dss_with_content(docs: Documents, out: Path) -> None:
    """An update dressed as validation data (a /DSS) that also draws a red box on page 1."""
    writer = _incremental(docs.signed)
    _dss(writer, docs)
    stream = generic.StreamObject(stream_data=b"q 1 0 0 rg 100 400 200 50 re f Q")
    writer.add_stream_to_page(0, writer.add_object(stream))
    _write(writer, out / "document.pdf")


def dss_with_field_value(docs: Documents, out: Path) -> None:
    """An update dressed as validation data (a /DSS) that also rewrites the annex's amount field."""
    writer = _incremental(docs.form_signed)
    _dss(writer, docs)
    pages = writer.root["/Pages"]["/Kids"]
    for ref in (a for page in pages for a in page.get_object().get("/Annots") or ()):
        field = ref.get_object()
        if field.get("/T") == "montant":
            field[generic.NameObject("/V")] = generic.TextStringObject("9 999 999 EUR")
            writer.update_container(field)
    _write(writer, out / "document.pdf")


RECIPES: dict[str, Callable[[Documents, Path], None]] = {
    recipe.__name__.replace("_", "-"): recipe
    for recipe in (
        signed,
        draft,
        flipped_byte,
        page_content_after_signing,
        someone_elses_certificate,
        key_not_the_certificates,
        fake_certification,
        forged_record,
        field_removed,
        open_action,
        unknown_subfilter,
        unknown_digest,
        not_built_by_paraphe,
        not_a_pdf,
        fifo,
        other_manifest,
        other_annexes,
        not_a_certificate,
        signed_and_revocation_list,
        update_without_eof,
        objects_without_xref,
        revisions_merged,
        first_signer_script,
        first_signer_font,
        first_signer_overlay,
        first_signer_content,
        certified_signer_overlay,
        field_value_in_signature,
        title_in_signature,
        xmp_title_in_signature,
        earlier_appearance,
        pending_appearance,
        sneaky_signature,
        duplicate_field,
        certification_cut,
        certified_by_someone,
        certified_again,
        empty_contents,
        signature_wrapping,
        many_revisions,
        more_revisions_than_signatories,
        old_record,
        expired_certificate,
        not_yet_valid_certificate,
        no_non_repudiation,
        split_name,
        homonym,
        revoked,
        backdated,
        future_dated,
        out_of_order,
        convention_with_original,
        avenant_with_another_original,
        avenant_with_original_not_fully_signed,
        dss_only_update,
        dss_with_content,
        dss_with_field_value,
    )
}
