"""`paraphe sign` and `paraphe verify`: PAdES signatures on a built convention."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from paraphe import pipeline
from paraphe.cli.common import EXISTING_FILE, OUTPUT_FORMAT, credentials, emit, quiet
from paraphe.cli.common import report as report_diagnostics
from paraphe.diagnostics import printable
from paraphe.i18n import _

# Named here: the command line reads it; the core library is given the PIN itself.
PIN_VARIABLE = "PARAPHE_PKCS11_PIN"
CSC_TOKEN_VARIABLE = "PARAPHE_CSC_TOKEN"
CSC_PIN_VARIABLE = "PARAPHE_CSC_PIN"


@click.command()
@click.argument("source", metavar="INPUT", type=EXISTING_FILE)
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--signatory", "signatory_id", required=True, help="Id of the signatory whose field is signed.")
@click.option("--pkcs12", type=EXISTING_FILE, help="Signer's key and certificate (.p12/.pfx).")
@click.option(
    "--key",
    metavar="FILE|LABEL",
    help="Signer's private key (PEM/DER), with --cert; with --pkcs11-module, the label of the key on the token.",
)
@click.option("--cert", type=EXISTING_FILE, help="Signer's certificate (PEM/DER), with --key.")
@click.option("--password-env", metavar="VAR", help="Environment variable holding the key's password.")
@click.option(
    "--pkcs11-module",
    type=EXISTING_FILE,
    metavar="LIB",
    help="PKCS#11 module of a smart card or token (e.g. libsofthsm2.so), with --token and --key; "
    "the PIN is read from $PARAPHE_PKCS11_PIN, or asked for.",
)
@click.option(
    "--csc-url",
    metavar="URL",
    help="Remote signing service (Cloud Signature Consortium API), with --csc-credential; "
    "its OAuth token from $PARAPHE_CSC_TOKEN, the credential's PIN from $PARAPHE_CSC_PIN, if it needs them.",
)
@click.option("--csc-credential", metavar="ID", help="Identifier of the signer's credential at the --csc-url service.")
@click.option("--token", "token_label", metavar="LABEL", help="Label of the token holding the key (PKCS#11).")
@click.option("--overwrite", is_flag=True, help="Replace an existing OUTPUT (other than INPUT).")
@OUTPUT_FORMAT
@click.option(
    "--timestamp-url",
    metavar="URL",
    help="RFC 3161 time-stamping authority: the signature carries its trusted time (PAdES B-T at least).",
)
@click.option(
    "--level",
    type=click.Choice(["B-B", "B-T", "B-LT", "B-LTA"]),
    help="PAdES level: B-T adds the timestamp, B-LT the revocation information (OCSP/CRL, fetched now), "
    "B-LTA a document timestamp over it all. Default: B-T with --timestamp-url, else B-B.",
)
@click.option(
    "--trust",
    type=EXISTING_FILE,
    multiple=True,
    metavar="CERT",
    help="Trusted root (PEM/DER) the validation data is gathered along, for B-LT and B-LTA; repeat for several.",
)
@click.option(
    "--image",
    type=EXISTING_FILE,
    metavar="FILE",
    help="PNG or JPEG shown under the visible signature's text (a scanned signature, the body's stamp).",
)
def sign(
    source: Path,
    output: Path,
    signatory_id: str,
    pkcs12: Path | None,
    key: str | None,
    cert: Path | None,
    password_env: str | None,
    pkcs11_module: Path | None,
    csc_url: str | None,
    csc_credential: str | None,
    token_label: str | None,
    overwrite: bool,
    output_format: str,
    timestamp_url: str | None,
    level: str | None,
    trust: tuple[Path, ...],
    image: Path | None,
) -> None:
    """Sign INPUT in one signatory's field and write OUTPUT (an incremental update; OUTPUT may be INPUT)."""
    signer: pipeline.Credentials | None
    if csc_url is not None or csc_credential is not None:
        signer = _remote_signer(csc_url, csc_credential, others=(pkcs12, key, cert, password_env, pkcs11_module))
    elif pkcs11_module is not None:
        signer = _token_signer(pkcs11_module, token_label, key, others=(pkcs12, cert, password_env))
    else:
        if token_label is not None:
            raise click.UsageError("--token goes with --pkcs11-module")
        key_file = EXISTING_FILE.convert(key, None, click.get_current_context()) if key is not None else None
        signer = credentials(pkcs12, key_file, cert, password_env)
    if signer is None:
        raise click.UsageError(
            _(
                "give the signer's --pkcs12 FILE, --key FILE --cert FILE,"
                " --pkcs11-module LIB --token LABEL --key LABEL, or --csc-url URL --csc-credential ID"
            )
        )
    chosen = level or ("B-T" if timestamp_url else "B-B")
    result = pipeline.sign(
        source,
        output,
        signatory_id,
        signer,
        overwrite=overwrite,
        level=chosen,
        timestamp_url=timestamp_url,
        trust=trust,
        image=image,
    )
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
@click.option(
    "--at",
    "at",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    metavar="DATE",
    help="Verify as on DATE (YYYY-MM-DD, UTC) rather than now: certificates' validity, long-term validation.",
)
@OUTPUT_FORMAT
def verify(
    pdf: Path,
    manifest: Path | None,
    complete: bool,
    original: Path | None,
    trust: tuple[Path, ...],
    crl: tuple[Path, ...],
    at: dt.datetime | None,
    output_format: str,
) -> int:
    """Verify PDF: every signature, the build record, pending signatories. Exit 0 when all holds."""
    moment = at.replace(tzinfo=dt.UTC) if at is not None else None
    report = pipeline.verify(pdf, manifest, trust, crl, original, at=moment)
    if output_format == "json":
        emit(report.as_json(complete))
    else:
        for line in () if quiet() else report.summary_lines():
            click.echo(line)
        report_diagnostics(report.diagnostics(complete))
        if not quiet() or not report.ok(complete):
            click.echo(report.bottom_line(complete))
    return 0 if report.ok(complete) else 1


def _remote_signer(url: str | None, credential: str | None, *, others: tuple[object, ...]) -> pipeline.Credentials:
    """A credential at a signing service; its secrets from the environment, never arguments."""
    if url is None or credential is None:
        raise click.UsageError("--csc-url and --csc-credential go together")
    if any(other is not None for other in others):
        raise click.UsageError("--csc-url goes without --pkcs12, --key, --cert, --password-env and --pkcs11-module")
    token, pin = os.environ.get(CSC_TOKEN_VARIABLE), os.environ.get(CSC_PIN_VARIABLE)
    return pipeline.load_remote_credentials(url, credential, token=token, pin=pin)


def _token_signer(
    module: Path, token: str | None, key: str | None, *, others: tuple[object, ...]
) -> pipeline.Credentials:
    """The key on a token; its PIN from $PARAPHE_PKCS11_PIN, or asked for (never an argument: it would show
    in the process list and the shell's history)."""
    if token is None or key is None:
        raise click.UsageError("--pkcs11-module needs --token LABEL and --key LABEL")
    if any(other is not None for other in others):
        raise click.UsageError("--pkcs11-module goes without --pkcs12, --cert and --password-env")
    pin = os.environ.get(PIN_VARIABLE)
    if pin is None:
        pin = click.prompt(_("PIN of token {token}", token=token), hide_input=True, err=True)
    return pipeline.load_token_credentials(module, token, key, pin)
