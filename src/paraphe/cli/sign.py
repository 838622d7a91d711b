"""`paraphe sign` and `paraphe verify`: PAdES signatures on a built convention."""

from __future__ import annotations

from pathlib import Path

import click

from paraphe import pipeline
from paraphe.cli.common import EXISTING_FILE, OUTPUT_FORMAT, credentials, emit, quiet
from paraphe.cli.common import report as report_diagnostics
from paraphe.diagnostics import printable
from paraphe.i18n import _


@click.command()
@click.argument("source", metavar="INPUT", type=EXISTING_FILE)
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--signatory", "signatory_id", required=True, help="Id of the signatory whose field is signed.")
@click.option("--pkcs12", type=EXISTING_FILE, help="Signer's key and certificate (.p12/.pfx).")
@click.option("--key", type=EXISTING_FILE, help="Signer's private key (PEM/DER), with --cert.")
@click.option("--cert", type=EXISTING_FILE, help="Signer's certificate (PEM/DER), with --key.")
@click.option("--password-env", metavar="VAR", help="Environment variable holding the key's password.")
@click.option("--overwrite", is_flag=True, help="Replace an existing OUTPUT (other than INPUT).")
@OUTPUT_FORMAT
def sign(
    source: Path,
    output: Path,
    signatory_id: str,
    pkcs12: Path | None,
    key: Path | None,
    cert: Path | None,
    password_env: str | None,
    overwrite: bool,
    output_format: str,
) -> None:
    """Sign INPUT in one signatory's field and write OUTPUT (an incremental update; OUTPUT may be INPUT)."""
    signer = credentials(pkcs12, key, cert, password_env)
    if signer is None:
        raise click.UsageError(_("give the signer's --pkcs12 FILE, or --key FILE --cert FILE"))
    result = pipeline.sign(source, output, signatory_id, signer, overwrite=overwrite)
    if output_format == "json":
        emit(
            {
                "file": printable(str(result.output)),
                "signatory": {
                    "id": result.signatory.id,
                    "name": result.signatory.name,
                    "title": result.signatory.title,
                },
                "holder": result.holder,
                "signed_at": result.signed_at.isoformat(),
                "pending": [{"id": s.id, "name": s.name, "title": s.title} for s in result.pending],
                "complete": not result.pending,
            }
        )
        return
    if quiet():
        return
    click.echo(
        _(
            "signed {output} for {id} ({name}) with {holder}'s key",
            output=result.output,
            id=result.signatory.id,
            name=result.signatory.name,
            holder=result.holder,
        )
    )
    if result.pending:
        click.echo(_("still to sign: {ids}", ids=", ".join(s.id for s in result.pending)))
    else:
        click.echo(_("every signatory has signed"))


@click.command()
@click.argument("pdf", type=EXISTING_FILE)
@click.option("--manifest", type=EXISTING_FILE, help="Check that the PDF was built from this manifest.")
@click.option("--complete", is_flag=True, help="Also fail while a signatory has not signed.")
@click.option(
    "--original",
    type=EXISTING_FILE,
    metavar="PDF",
    help="For an avenant: the signed convention it amends; checks it is the one the avenant cites, fully signed.",
)
@click.option(
    "--trust",
    type=EXISTING_FILE,
    multiple=True,
    metavar="CERT",
    help="Trusted root certificate (PEM/DER); repeat for several. Without it, chains are not checked.",
)
@click.option(
    "--crl",
    type=EXISTING_FILE,
    multiple=True,
    metavar="FILE",
    help="Certificate revocation list (DER/PEM) of a trusted CA, with --trust; repeat for several. "
    "Given, a certificate no list vouches for fails; without, revocation is « not checked ».",
)
@OUTPUT_FORMAT
def verify(
    pdf: Path,
    manifest: Path | None,
    complete: bool,
    original: Path | None,
    trust: tuple[Path, ...],
    crl: tuple[Path, ...],
    output_format: str,
) -> int:
    """Verify PDF: every signature, the build record, pending signatories. Exit 0 when all holds."""
    report = pipeline.verify(pdf, manifest, trust, crl, original)
    if output_format == "json":
        emit(report.as_json(complete))
    else:
        for line in () if quiet() else report.summary_lines():
            click.echo(line)
        report_diagnostics(report.diagnostics(complete))
        if not quiet() or not report.ok(complete):
            click.echo(report.bottom_line(complete))
    return 0 if report.ok(complete) else 1
