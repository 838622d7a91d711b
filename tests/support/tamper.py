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

    def placeholders(self) -> dict[str, str]:
        return {"{manifest}": str(self.manifest), "{root}": str(self.root), "{other-root}": str(self.other_root)}


def make_documents(folder: Path) -> Documents:
    now = dt.datetime.now(dt.UTC)
    validity = {"not_before": now - dt.timedelta(days=1), "not_after": now + dt.timedelta(days=365)}
    root: ThrowawayPki = make_root(folder / "pki", **validity)
    other = make_root(folder / "pki" / "other", **validity)
    people = {sid: root.issue(name, folder / "pki", stem=sid) for sid, name in SIGNATORIES.items()}
    secretariat = root.issue("Secrétariat du SDSF", folder / "pki", stem="secretariat")
    manifests = folder / "conventions"
    text = MINIMAL.read_text(encoding="utf-8")
    for status in ("final", "draft"):
        (manifests / status).mkdir(parents=True)
        (manifests / status / "sdsf-mini.yaml").write_text(text.replace("status: final", f"status: {status}"))
    out = folder / "build"
    built = _paraphe("build", str(manifests), "--out", str(out), "-j", "1", "--certify-pkcs12", str(secretariat.pkcs12))
    assert "2 built" in built, built
    certified = out / "final" / "sdsf-mini.pdf"
    signed = folder / "signed.pdf"
    _paraphe("sign", str(certified), str(signed), "--signatory", "prefete", "--pkcs12", str(people["prefete"].pkcs12))
    return Documents(
        manifests / "final" / "sdsf-mini.yaml",
        certified,
        signed,
        out / "draft" / "sdsf-mini.pdf",
        root.root_cert,
        other.root_cert,
        people,
    )


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
    )
}
