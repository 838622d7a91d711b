"""Signing and verification with a PKI made here and frozen time; pdfsig reads the result independently."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner, Result
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter, append_signature_field
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner

from paraphe.cli.main import cli
from paraphe.sign import load_pkcs12
from paraphe.sign.throwaway import Issued, ThrowawayPki, make_root
from support import LOZERE, MINIMAL, pdf_text, require
from support.pki import LOZERE_PEOPLE

UTC = dt.UTC
SIGNING_DAY = dt.datetime(2020, 10, 9, 10, 0, tzinfo=UTC)
SIGNATORIES = LOZERE_PEOPLE  # the Lozère SDSF's seven, by id


@pytest.fixture(autouse=True)
def frozen_time() -> Iterator[None]:
    """Every signature is made and checked on the day of Mende, whatever the machine's clock says."""
    with time_machine.travel(SIGNING_DAY, tick=True):
        yield


class Pki:
    def __init__(self, folder: Path) -> None:
        self.root: ThrowawayPki = make_root(
            folder, not_before=dt.datetime(2020, 1, 1, tzinfo=UTC), not_after=dt.datetime(2030, 1, 1, tzinfo=UTC)
        )
        self.people: dict[str, Issued] = {
            sid: self.root.issue(name, folder, stem=sid) for sid, name in SIGNATORIES.items()
        }
        self.secretariat = self.root.issue("Secrétariat du SDSF", folder, stem="secretariat", password=b"s3cret")
        self.expired = self.root.issue(
            "Michel CAPONI",
            folder,
            stem="expired",
            not_before=dt.datetime(2019, 1, 1, tzinfo=UTC),
            not_after=dt.datetime(2020, 6, 30, tzinfo=UTC),
        )
        self.other_root = make_root(
            folder / "other",
            not_before=dt.datetime(2020, 1, 1, tzinfo=UTC),
            not_after=dt.datetime(2030, 1, 1, tzinfo=UTC),
        )


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    with time_machine.travel(SIGNING_DAY, tick=True):
        return Pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def certified(tmp_path_factory: pytest.TempPathFactory, soffice: str, pki: Pki) -> Path:
    out = tmp_path_factory.mktemp("certified")
    with time_machine.travel(SIGNING_DAY, tick=True):
        result = run(
            "build", str(LOZERE), "--out", str(out), "--certify-pkcs12", str(pki.secretariat.pkcs12),
            "--certify-password-env", "SECRETARIAT_PASSWORD",
            env={"SECRETARIAT_PASSWORD": "s3cret"},
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "certified" in result.output and "not certified" not in result.output
    return out / "lozere" / "sdsf-2020-2023.pdf"


@pytest.fixture(scope="module")
def fully_signed(tmp_path_factory: pytest.TempPathFactory, certified: Path, pki: Pki) -> Path:
    """The certified SDSF signed by its seven signatories in turn, each checked as it goes."""
    folder = tmp_path_factory.mktemp("signed")
    current = certified
    with time_machine.travel(SIGNING_DAY, tick=True):
        for number, signatory in enumerate(SIGNATORIES, 1):
            following = folder / f"{number}-{signatory}.pdf"
            result = run("sign", str(current), str(following), "--signatory", signatory,
                         "--pkcs12", str(pki.people[signatory].pkcs12))  # fmt: skip
            assert result.exit_code == 0, result.output
            # `sign` itself verified every earlier signature before adding this one.
            assert f"for {signatory}" in result.output
            if number in (1, 4):
                check = run("verify", str(following), "--trust", str(pki.root.root_cert))
                assert check.exit_code == 0, check.output
                assert f"valid: {number} of 7 signed" in check.output
            current = following
    return current


def verify_json(pdf: Path, *extra: str) -> tuple[int, dict[str, object]]:
    result = run("verify", str(pdf), "--format", "json", *extra)
    return result.exit_code, json.loads(result.output)


def pdfsig(pdf: Path) -> list[dict[str, str]]:
    """pdfsig's verdict per signature (it exits 0 even when one is invalid, so its text is parsed)."""
    out = subprocess.run([require("pdfsig"), "-nocert", str(pdf)], check=False, capture_output=True, text=True).stdout
    signatures = []
    for block in re.split(r"^Signature #\d+:$", out, flags=re.M)[1:]:
        fields = dict(re.findall(r"^\s+- ([^:\n]+): (.*)$", block, flags=re.M))
        signatures.append(fields)
    return signatures


# --- the whole path ------------------------------------------------------------------------------------------


def test_seven_signatures_verify_with_paraphe_and_pdfsig(fully_signed: Path, pki: Pki) -> None:
    code, report = verify_json(
        fully_signed, "--complete", "--trust", str(pki.root.root_cert), "--manifest", str(LOZERE)
    )
    assert code == 0, report
    assert report["pending"] == [] and report["certified"] is True and report["content_unchanged"] is True
    signatures = report["signatures"]
    assert isinstance(signatures, list)
    assert [s["field"] for s in signatures] == ["certification", *SIGNATORIES]
    assert all(s["valid"] and s["intact"] and s["trust"] == "trusted" for s in signatures)
    assert [s["holder"] for s in signatures[1:]] == list(SIGNATORIES.values())
    assert signatures[-1]["changes_after"] == "nothing"
    assert {s["changes_after"] for s in signatures[:-1]} == {"later signatures only"}

    independent = pdfsig(fully_signed)
    # pdfsig lists fields in form order, where the certification field, added last, comes last.
    assert [s["Signature Field Name"] for s in independent] == [*SIGNATORIES, "certification"]
    assert all(s["Signature Validation"] == "Signature is Valid." for s in independent), independent
    assert [s["Signer Certificate Common Name"] for s in independent[:-1]] == list(SIGNATORIES.values())
    check = subprocess.run([require("qpdf"), "--check", str(fully_signed)], check=False, capture_output=True)
    assert check.returncode == 0


def test_visible_signature_in_each_block(fully_signed: Path) -> None:
    text = re.sub(r"\s+", " ", pdf_text(fully_signed))
    for name in SIGNATORIES.values():
        assert f"Signé électroniquement par {name}" in text
    # In Paris time (10 h 00 UTC, summer time); the clock ticks while the seven sign, past the minute when loaded.
    assert len(re.findall(r"le 9 octobre 2020 à 12 h \d\d \(heure de Paris\)", text)) == 7


def test_pending_signatories_fail_complete_only(certified: Path, tmp_path: Path, pki: Pki) -> None:
    one = tmp_path / "one.pdf"
    assert (
        run(
            "sign", str(certified), str(one), "--signatory", "dasen", "--pkcs12", str(pki.people["dasen"].pkcs12)
        ).exit_code
        == 0
    )
    assert run("verify", str(one)).exit_code == 0
    result = run("verify", str(one), "--complete")
    assert result.exit_code == 1
    assert "president-udaf: Monsieur le Président de l'UDAF (Michel CAPONI) has not signed yet" in result.output


def test_untrusted_root_is_reported(fully_signed: Path, pki: Pki) -> None:
    result = run("verify", str(fully_signed), "--trust", str(pki.other_root.root_cert))
    assert result.exit_code == 1
    assert "does not lead to a trusted root" in result.output


# --- provenance --------------------------------------------------------------------------------------------


def test_fingerprint_in_every_footer_and_metadata(certified: Path) -> None:
    code, report = verify_json(certified)
    assert code == 0
    fingerprint = report["fingerprint"]
    assert isinstance(fingerprint, str) and re.fullmatch(r"[0-9a-f]{12}", fingerprint)
    pages = pdf_text(certified).split("\f")[:-1]
    assert len(pages) > 10
    assert all(f"Empreinte : {fingerprint}" in page for page in pages)


def test_verify_manifest_detects_another_manifest(certified: Path, tmp_path: Path) -> None:
    assert run("verify", str(certified), "--manifest", str(LOZERE)).exit_code == 0
    changed = tmp_path / "lozere" / "sdsf-2020-2023.yaml"
    changed.parent.mkdir()
    changed.write_text(LOZERE.read_text(encoding="utf-8").replace("Mende", "Marvejols", 1), encoding="utf-8")
    result = run("verify", str(certified), "--manifest", str(changed))
    assert result.exit_code == 1
    assert "NOT built from it" in result.output


def test_a_draft_is_not_signed(tmp_path: Path, soffice: str, pki: Pki) -> None:
    draft = tmp_path / "draft" / "sdsf-mini.yaml"
    draft.parent.mkdir()
    draft.write_text(MINIMAL.read_text(encoding="utf-8").replace("status: final", "status: draft"), encoding="utf-8")
    assert run("build", str(draft), "--out", str(tmp_path / "out")).exit_code == 0
    built, out = tmp_path / "out" / "draft" / "sdsf-mini.pdf", tmp_path / "signed.pdf"
    result = run("sign", str(built), str(out), "--signatory", "prefete", "--pkcs12", str(pki.people["prefete"].pkcs12))
    _refused(result, out, "a draft (« PROJET ») has no signature fields")
    assert run("verify", str(built)).exit_code == 0
    assert run("verify", str(built), "--complete").exit_code == 1


def test_build_without_key_says_not_certified(tmp_path: Path, soffice: str) -> None:
    final = tmp_path / "final" / "sdsf-mini.yaml"
    final.parent.mkdir()
    final.write_text(MINIMAL.read_text(encoding="utf-8").replace("status: draft", "status: final"), encoding="utf-8")
    result = run("build", str(final), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "not certified (no certification key given)" in result.output
    code, report = verify_json(tmp_path / "out" / "final" / "sdsf-mini.pdf")
    assert code == 0 and report["certified"] is False


# --- tampering ------------------------------------------------------------------------------------------------


def _flip_byte_in_signed_range(pdf: Path, out: Path) -> None:
    data = bytearray(pdf.read_bytes())
    # The document title as the build wrote it, well inside every signature's first byte range.
    at = data.index(b"/Creator (paraphe") + len(b"/Creator (p")
    data[at] ^= 0x01
    out.write_bytes(bytes(data))


def _append_page_content(pdf: Path, out: Path) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf.read_bytes()), strict=False)
    stream = generic.StreamObject(stream_data=b"q 1 0 0 rg 100 400 200 50 re f Q")
    writer.add_stream_to_page(0, writer.add_object(stream))
    buffer = io.BytesIO()
    writer.write(buffer)
    out.write_bytes(buffer.getvalue())


def _append_annotation(pdf: Path, out: Path) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf.read_bytes()), strict=False)
    last = writer.root["/Pages"]["/Count"] - 2  # the signature page
    page_ref = writer.find_page_for_modification(last)[0]
    annotation = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
            generic.NameObject("/Rect"): generic.ArrayObject(map(generic.FloatObject, (60, 600, 300, 640))),
            generic.NameObject("/Contents"): generic.TextStringObject("Lu et approuvé"),
            generic.NameObject("/DA"): generic.TextStringObject("/Helv 12 Tf 0 g"),
        }
    )
    writer.register_annotation(page_ref, writer.add_object(annotation))
    buffer = io.BytesIO()
    writer.write(buffer)
    out.write_bytes(buffer.getvalue())


def _strip_last_revision(pdf: Path, out: Path) -> None:
    data = pdf.read_bytes()
    ends = [m.end() for m in re.finditer(rb"%%EOF\r?\n?", data)]
    out.write_bytes(data[: ends[-2]])


def _forge_record(pdf: Path, out: Path) -> None:
    """Six signatures, and a later revision whose build record no longer lists the seventh signatory."""
    six = out.with_suffix(".six.pdf")
    _strip_last_revision(pdf, six)
    writer = IncrementalPdfFileWriter(io.BytesIO(six.read_bytes()), strict=False)
    info_ref = writer.trailer.raw_get("/Info")
    info = info_ref.get_object()
    record = json.loads(str(info["/ParapheBuild"]))
    record["signatories"] = [s for s in record["signatories"] if s["id"] != "president-udaf"]
    info[generic.NameObject("/ParapheBuild")] = generic.TextStringObject(json.dumps(record, ensure_ascii=False))
    writer.mark_update(info_ref)
    buffer = io.BytesIO()
    writer.write(buffer)
    out.write_bytes(buffer.getvalue())


def _append_overlay_field(pdf: Path, out: Path) -> None:
    """A new empty signature field painting over a page: a forgery that passes for form filling."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf.read_bytes()), strict=False)
    append_signature_field(writer, SigFieldSpec("zz-note", on_page=3, box=(50, 300, 550, 500)))
    field = next(f.get_object() for f in writer.root["/AcroForm"]["/Fields"] if f.get_object().get("/T") == "zz-note")
    paint = generic.StreamObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/XObject"),
            generic.NameObject("/Subtype"): generic.NameObject("/Form"),
            generic.NameObject("/BBox"): generic.ArrayObject(map(generic.FloatObject, (0, 0, 500, 200))),
        },
        stream_data=b"1 0 0 rg 0 0 500 200 re f",
    )
    field["/AP"] = generic.DictionaryObject({generic.NameObject("/N"): writer.add_object(paint)})
    writer.update_container(field)
    buffer = io.BytesIO()
    writer.write(buffer)
    out.write_bytes(buffer.getvalue())


def _append_open_action(pdf: Path, out: Path) -> None:
    """Nothing on the pages changes: a script runs when the document opens."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf.read_bytes()), strict=False)
    action = generic.DictionaryObject(
        {
            generic.NameObject("/S"): generic.NameObject("/JavaScript"),
            generic.NameObject("/JS"): generic.TextStringObject("app.alert('signé ?')"),
        }
    )
    writer.root[generic.NameObject("/OpenAction")] = writer.add_object(action)
    writer.update_root()
    buffer = io.BytesIO()
    writer.write(buffer)
    out.write_bytes(buffer.getvalue())


def _fake_certification(pdf: Path, out: Path, pki: Pki) -> None:
    """An ordinary signature in a new field named like the secretariat's certification."""
    credentials = load_pkcs12(pki.people["dasen"].pkcs12, None)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf.read_bytes()), strict=False)
    meta = PdfSignatureMetadata(field_name="certification", subfilter=SigSeedSubFilter.PADES)
    out.write_bytes(PdfSigner(meta, signer=credentials.signer).sign_pdf(writer).getvalue())


def _sign_with_someone_else(pdf: Path, out: Path, pki: Pki) -> None:
    """Bypasses `paraphe sign` (which refuses): the field of the UDAF signed with the CCSS president's key."""
    credentials = load_pkcs12(pki.people["president-ccss"].pkcs12, None)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf.read_bytes()), strict=False)
    meta = PdfSignatureMetadata(field_name="president-udaf", subfilter=SigSeedSubFilter.PADES)
    out.write_bytes(PdfSigner(meta, signer=credentials.signer).sign_pdf(writer, existing_fields_only=True).getvalue())


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (_flip_byte_in_signed_range, "the signed bytes were modified"),
        (_append_page_content, "content changed"),
        (_append_annotation, "changed after this signature beyond filling in signatures"),
        (_strip_last_revision, "president-udaf: Monsieur le Président de l'UDAF (Michel CAPONI) has not signed yet"),
        (_forge_record, "the build record was changed after the build"),
        (_append_overlay_field, "signature field zz-note was not made by the build"),
        (_append_open_action, "update(s) appended after the build are neither signatures nor validation data"),
    ],
    ids=[
        "flipped-byte",
        "page-content",
        "annotation",
        "stripped-revision",
        "forged-record",
        "overlay-field",
        "open-action",
    ],
)
def test_tampering_is_reported(fully_signed: Path, tmp_path: Path, tamper, expected: str) -> None:  # type: ignore[no-untyped-def]
    tampered = tmp_path / "tampered.pdf"
    tamper(fully_signed, tampered)
    result = run("verify", str(tampered), "--complete")
    assert result.exit_code == 1, result.output
    assert expected in result.output, result.output
    assert "Traceback" not in result.output


def test_signature_by_someone_else_is_reported(fully_signed: Path, tmp_path: Path, pki: Pki) -> None:
    six = tmp_path / "six.pdf"
    _strip_last_revision(fully_signed, six)
    forged = tmp_path / "forged.pdf"
    _sign_with_someone_else(six, forged, pki)
    result = run("verify", str(forged), "--trust", str(pki.root.root_cert))
    assert result.exit_code == 1
    assert "signed with the certificate of Philippe ROCHOUX, not that of Michel CAPONI" in result.output


def test_fake_certification_is_not_taken_for_one(certified: Path, tmp_path: Path, pki: Pki) -> None:
    uncertified = tmp_path / "built"
    assert run("build", str(LOZERE), "--out", str(uncertified)).exit_code == 0
    fake = tmp_path / "fake.pdf"
    _fake_certification(uncertified / "lozere" / "sdsf-2020-2023.pdf", fake, pki)
    result = run("verify", str(fake), "--trust", str(pki.root.root_cert))
    assert result.exit_code == 1
    assert "not certified" in result.output
    assert "signature field certification was not made by the build" in result.output


def test_unsigned_document_changed_outside_its_pages_is_refused(tmp_path: Path, soffice: str, pki: Pki) -> None:
    built = tmp_path / "built"
    assert run("build", str(LOZERE), "--out", str(built)).exit_code == 0
    scripted, out = tmp_path / "scripted.pdf", tmp_path / "out.pdf"
    _append_open_action(built / "lozere" / "sdsf-2020-2023.pdf", scripted)
    result = run("sign", str(scripted), str(out), "--signatory", "dasen", "--pkcs12", str(pki.people["dasen"].pkcs12))
    _refused(result, out, "the document was changed since it was built")


# --- refusals: a clear message, exit 1, nothing written ----------------------------------------------------------


def _refused(result: Result, output: Path, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not output.exists()


def test_refuses_unknown_signatory(certified: Path, tmp_path: Path, pki: Pki) -> None:
    out = tmp_path / "out.pdf"
    result = run("sign", str(certified), str(out), "--signatory", "maire", "--pkcs12", str(pki.people["dasen"].pkcs12))
    _refused(result, out, "unknown signatory 'maire'")


def test_refuses_a_signed_field(fully_signed: Path, tmp_path: Path, pki: Pki) -> None:
    out = tmp_path / "out.pdf"
    result = run(
        "sign", str(fully_signed), str(out), "--signatory", "dasen", "--pkcs12", str(pki.people["dasen"].pkcs12)
    )
    _refused(result, out, "the field of dasen is already signed")


def test_refuses_when_earlier_signatures_broke(fully_signed: Path, tmp_path: Path, pki: Pki) -> None:
    six, broken, out = tmp_path / "six.pdf", tmp_path / "broken.pdf", tmp_path / "out.pdf"
    _strip_last_revision(fully_signed, six)
    _append_annotation(six, broken)
    result = run("sign", str(broken), str(out), "--signatory", "president-udaf",
                 "--pkcs12", str(pki.people["president-udaf"].pkcs12))  # fmt: skip
    _refused(result, out, "earlier signatures no longer verify")


def test_refuses_a_document_changed_since_the_build(tmp_path: Path, soffice: str, pki: Pki) -> None:
    built = tmp_path / "built"
    assert run("build", str(LOZERE), "--out", str(built)).exit_code == 0
    changed, out = tmp_path / "changed.pdf", tmp_path / "out.pdf"
    _append_page_content(built / "lozere" / "sdsf-2020-2023.pdf", changed)
    result = run("sign", str(changed), str(out), "--signatory", "dasen", "--pkcs12", str(pki.people["dasen"].pkcs12))
    _refused(result, out, "the document was changed since it was built")


def test_refuses_another_persons_certificate(certified: Path, tmp_path: Path, pki: Pki) -> None:
    out = tmp_path / "out.pdf"
    result = run(
        "sign", str(certified), str(out), "--signatory", "dasen", "--pkcs12", str(pki.people["prefete"].pkcs12)
    )
    _refused(result, out, "this certificate is Valérie HATSCH's, not Alexandre FALCO's (dasen)")


def test_refuses_a_wrong_password(certified: Path, tmp_path: Path, pki: Pki) -> None:
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(
        cli,
        ["sign", str(certified), str(out), "--signatory", "dasen", "--pkcs12", str(pki.secretariat.pkcs12),
         "--password-env", "PW"],
        env={"PW": "wrong"},
    )  # fmt: skip
    _refused(result, out, "wrong password")


def test_refuses_an_expired_certificate(certified: Path, tmp_path: Path, pki: Pki) -> None:
    out = tmp_path / "out.pdf"
    result = run("sign", str(certified), str(out), "--signatory", "president-udaf", "--pkcs12", str(pki.expired.pkcs12))
    _refused(result, out, "expired on 2020-06-30")


def test_refusal_leaves_an_existing_output_untouched(fully_signed: Path, tmp_path: Path, pki: Pki) -> None:
    out = tmp_path / "out.pdf"
    shutil.copy(fully_signed, out)
    before = out.read_bytes()
    result = run(
        "sign", str(fully_signed), str(out), "--signatory", "dasen", "--pkcs12", str(pki.people["dasen"].pkcs12)
    )
    assert result.exit_code == 1
    assert out.read_bytes() == before


def test_an_existing_output_is_not_overwritten(certified: Path, fully_signed: Path, tmp_path: Path, pki: Pki) -> None:
    out = tmp_path / "out.pdf"
    shutil.copy(fully_signed, out)
    before = out.read_bytes()
    args = ["sign", str(certified), str(out), "--signatory", "dasen", "--pkcs12", str(pki.people["dasen"].pkcs12)]
    result = run(*args)
    assert result.exit_code == 1
    assert "already exists and may hold other signatures" in result.output
    assert out.read_bytes() == before
    assert run(*args, "--overwrite").exit_code == 0
    code, report = verify_json(out)
    assert code == 0 and report["pending"] != []


def test_usage_errors_exit_2(certified: Path, tmp_path: Path, pki: Pki) -> None:
    out = str(tmp_path / "out.pdf")
    assert run("sign", str(certified), out, "--signatory", "dasen").exit_code == 2
    person = pki.people["dasen"]
    assert run("sign", str(certified), out, "--signatory", "dasen", "--pkcs12", str(person.pkcs12),
               "--key", str(person.key)).exit_code == 2  # fmt: skip
    assert run("sign", str(certified), out, "--signatory", "dasen", "--key", str(person.key)).exit_code == 2


def test_pem_key_and_certificate(certified: Path, tmp_path: Path, pki: Pki) -> None:
    out = tmp_path / "out.pdf"
    person = pki.people["directrice-msa"]
    result = run("sign", str(certified), str(out), "--signatory", "directrice-msa",
                 "--key", str(person.key), "--cert", str(person.cert))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert run("verify", str(out), "--trust", str(pki.root.root_cert)).exit_code == 0
