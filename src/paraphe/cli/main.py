"""`paraphe` command line. Exit codes: 0 success, 1 failed job, 2 bad usage."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from paraphe import __version__, pipeline
from paraphe.cli.diff import diff
from paraphe.cli.sign import load_credentials, sign, verify
from paraphe.errors import ParapheError


def _report(error: ParapheError) -> None:
    for diagnostic in error.diagnostics:
        click.echo(str(diagnostic), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paraphe")
@click.option("-v", "--verbose", is_flag=True, help="Show what each stage does.")
def cli(verbose: bool) -> None:
    """Build signature-ready French conventions (SDSF, CTG) from YAML manifests."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s: %(message)s")
    # pyHanko logs every certificate path it cannot build; the verify report already says so.
    logging.getLogger("pyhanko").setLevel(logging.INFO if verbose else logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.INFO if verbose else logging.CRITICAL)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one object per manifest, for tools.",
)
def validate(paths: tuple[Path, ...], output_format: str) -> None:
    """Check manifests (files or folders; default: conventions/)."""
    try:
        reports = pipeline.validate_paths(list(paths))
    except ParapheError as exc:
        _report(exc)
        sys.exit(2)
    if output_format == "json":
        click.echo(
            json.dumps(
                [
                    {"file": str(r.path), "valid": r.ok, "diagnostics": [d.as_json() for d in r.diagnostics]}
                    for r in reports
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for report in reports:
            for diagnostic in report.diagnostics:
                click.echo(str(diagnostic), err=True)
        bad = sum(not r.ok for r in reports)
        errors = sum(len(r.diagnostics) for r in reports)
        if bad:
            click.echo(f"{bad} of {len(reports)} manifest(s) invalid, {errors} error(s)", err=True)
        else:
            click.echo(f"{len(reports)} manifest(s) valid")
    sys.exit(0 if all(r.ok for r in reports) else 1)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=pipeline.DEFAULT_OUT,
    show_default=True,
    help="Folder that receives X/Y.docx and X/Y.pdf.",
)
@click.option(
    "--certify-pkcs12",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="PARAPHE_CERTIFY_PKCS12",
    help="Secretariat's key (.p12) that certifies final documents [env PARAPHE_CERTIFY_PKCS12].",
)
@click.option("--certify-key", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="…or a PEM key,")
@click.option("--certify-cert", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="…with its cert.")
@click.option(
    "--certify-password-env",
    metavar="VAR",
    envvar="PARAPHE_CERTIFY_PASSWORD_ENV",
    help="Environment variable holding the certification key's password.",
)
@click.option("--no-certify", is_flag=True, help="Do not certify, even with a key configured.")
def build(
    paths: tuple[Path, ...],
    out: Path,
    certify_pkcs12: Path | None,
    certify_key: Path | None,
    certify_cert: Path | None,
    certify_password_env: str | None,
    no_certify: bool,
) -> None:
    """Build manifests into .docx and signature-ready .pdf (default: conventions/)."""
    try:
        certify_with = None
        if not no_certify:
            certify_with = load_credentials(
                certify_pkcs12, certify_key, certify_cert, certify_password_env, prefix="certify-"
            )
        results, failures = pipeline.build(paths, out, certify_with)
    except ParapheError as exc:
        _report(exc)
        sys.exit(2)
    for result in results:
        certification = ""
        if result.final:
            certification = ", certified" if result.certified else ", not certified (no certification key given)"
        click.echo(f"built {result.pdf} ({result.pages} pages, fingerprint {result.fingerprint}{certification})")
    for failure in failures:
        _report(failure)
    if failures:
        click.echo(f"{len(failures)} convention(s) failed", err=True)
        sys.exit(1)


cli.add_command(sign)
cli.add_command(verify)
cli.add_command(diff)


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted; earlier outputs are untouched", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
