"""`paraphe sign` and `paraphe verify`: PAdES signatures on a built convention."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from paraphe import pipeline
from paraphe.cli.common import EXISTING_FILE, credentials

if TYPE_CHECKING:  # pyHanko is imported only by the commands that sign or verify.
    from paraphe.sign import VerificationReport
    from paraphe.sign.verify import SignatureReport


@click.command()
@click.argument("source", metavar="INPUT", type=EXISTING_FILE)
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--signatory", "signatory_id", required=True, help="Id of the signatory whose field is signed.")
@click.option("--pkcs12", type=EXISTING_FILE, help="Signer's key and certificate (.p12/.pfx).")
@click.option("--key", type=EXISTING_FILE, help="Signer's private key (PEM/DER), with --cert.")
@click.option("--cert", type=EXISTING_FILE, help="Signer's certificate (PEM/DER), with --key.")
@click.option("--password-env", metavar="VAR", help="Environment variable holding the key's password.")
@click.option("--overwrite", is_flag=True, help="Replace an existing OUTPUT (other than INPUT).")
def sign(
    source: Path,
    output: Path,
    signatory_id: str,
    pkcs12: Path | None,
    key: Path | None,
    cert: Path | None,
    password_env: str | None,
    overwrite: bool,
) -> None:
    """Sign INPUT in one signatory's field and write OUTPUT (an incremental update; OUTPUT may be INPUT)."""
    signer = credentials(pkcs12, key, cert, password_env)
    if signer is None:
        raise click.UsageError("give the signer's --pkcs12 FILE, or --key FILE --cert FILE")
    result = pipeline.sign(source, output, signatory_id, signer, overwrite=overwrite)
    click.echo(f"signed {result.output} for {result.signatory.id} ({result.signatory.name}) with {result.holder}'s key")
    if result.pending:
        click.echo("still to sign: " + ", ".join(s.id for s in result.pending))
    else:
        click.echo("every signatory has signed")


@click.command()
@click.argument("pdf", type=EXISTING_FILE)
@click.option("--manifest", type=EXISTING_FILE, help="Check that the PDF was built from this manifest.")
@click.option("--complete", is_flag=True, help="Also fail while a signatory has not signed.")
@click.option(
    "--trust",
    type=EXISTING_FILE,
    multiple=True,
    metavar="CERT",
    help="Trusted root certificate (PEM/DER); repeat for several. Without it, chains are not checked.",
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def verify(pdf: Path, manifest: Path | None, complete: bool, trust: tuple[Path, ...], output_format: str) -> int:
    """Verify PDF: every signature, the build record, pending signatories. Exit 0 when all holds."""
    report = pipeline.verify(pdf, manifest, trust)
    ok = report.ok(complete)
    if output_format == "json":
        click.echo(json.dumps(_as_json(report, complete), ensure_ascii=False, indent=2))
    else:
        _print_text(report, complete, bool(trust))
    return 0 if ok else 1


def _print_text(report: VerificationReport, complete: bool, trust_given: bool) -> None:
    click.echo(report.path)
    record = report.record
    if record is not None:
        pages = "pages unchanged since the build" if report.content_unchanged else "PAGES CHANGED since the build"
        click.echo(f"  built by {record.tool} from {record.convention}, fingerprint {record.fingerprint}; {pages}")
    if report.manifest is not None:
        state = "built from it" if report.manifest.matches else "NOT built from it"
        click.echo(f"  manifest {report.manifest.manifest}: {state}")
        for note in report.manifest.notes:
            click.echo(f"    note: {note}")
    if report.draft:
        click.echo("  a draft (« PROJET »): no signature fields, not meant to be signed")
    click.echo("  certified by the secretariat" if report.certified else "  not certified")
    for signature in report.signatures:
        click.echo(_signature_line(signature))
        for problem in signature.problems:
            click.echo(f"      problem: {problem}")
    for signatory in report.pending:
        click.echo(f"  … {signatory.id}: {signatory.title} ({signatory.name}) has not signed yet")
    for problem in report.problems:
        click.echo(f"  problem: {problem}")
    signed = sum(s.signatory is not None for s in report.signatures)
    expected = len(record.signatories) if record is not None else signed
    summary = f"{signed} of {expected} signed"
    if report.ok(complete):
        click.echo(f"valid: {summary}" + ("" if trust_given else " (chains not checked: no --trust)"))
    else:
        reasons = len(report.all_problems()) + (len(report.pending) if complete else 0)
        click.echo(f"NOT VALID: {summary}, {reasons} problem(s)")


def _signature_line(signature: SignatureReport) -> str:
    mark = "✓" if signature.ok else "✗"
    who = (
        "the secretariat's certification"
        if signature.certification
        else f"{signature.signatory.title} ({signature.signatory.name})"
        if signature.signatory
        else "unknown signatory"
    )
    when = f"{signature.signed_at:%Y-%m-%d %H:%M %Z}" if signature.signed_at else "unknown time"
    intact = "intact" if signature.intact else "NOT INTACT"
    return (
        f"  {mark} {signature.field}: {who}, signed by {signature.holder} on {when}; {intact}; "
        f"chain {signature.trust}; after it: {signature.changes_after}"
    )


def _as_json(report: VerificationReport, complete: bool) -> dict[str, object]:
    record = report.record
    return {
        "file": report.path,
        "valid": report.ok(complete),
        "fingerprint": record.fingerprint if record else None,
        "convention": record.convention if record else None,
        "content_unchanged": report.content_unchanged,
        "certified": report.certified,
        "draft": report.draft,
        "manifest": None
        if report.manifest is None
        else {"file": report.manifest.manifest, "matches": report.manifest.matches, "notes": report.manifest.notes},
        "signatures": [
            {
                "field": s.field,
                "certification": s.certification,
                "signatory": s.signatory.name if s.signatory else None,
                "holder": s.holder,
                "signed_at": s.signed_at.isoformat() if s.signed_at else None,
                "intact": s.intact,
                "trust": s.trust,
                "holder_is_signatory": s.holder_is_signatory,
                "changes_after": s.changes_after,
                "valid": s.ok,
                "problems": list(s.problems),
            }
            for s in report.signatures
        ],
        "pending": [s.id for s in report.pending],
        "problems": list(report.all_problems()),
    }
