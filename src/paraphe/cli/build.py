"""`paraphe build`: manifests → .docx and signature-ready .pdf, incremental and parallel."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from paraphe import pipeline
from paraphe.cli.common import EXISTING_FILE, OUTPUT_FORMAT, credentials, emit, quiet, report, reported_errors
from paraphe.diagnostics import printable
from paraphe.errors import ParapheError
from paraphe.i18n import N_, _
from paraphe.pipeline import BuildResult, BuildSummary, Event


@click.command()
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
    "-j", "--jobs", type=click.IntRange(min=0), default=0, help="LibreOffice processes at once [default: one per core]."
)
@click.option("--force", is_flag=True, help="Rebuild everything, even what has not changed.")
@click.option(
    "--converter",
    "converter_spec",
    default="local",
    show_default=True,
    envvar="PARAPHE_CONVERTER",
    metavar="local|unoserver://HOST:PORT[,…]",
    help="Where LibreOffice runs: here, or a pool of unoserver instances [env PARAPHE_CONVERTER].",
)
@click.option(
    "--certify-pkcs12",
    type=EXISTING_FILE,
    envvar="PARAPHE_CERTIFY_PKCS12",
    help="Secretariat's key (.p12) that certifies final documents [env PARAPHE_CERTIFY_PKCS12].",
)
@click.option("--certify-key", type=EXISTING_FILE, help="…or its PEM key,")
@click.option("--certify-cert", type=EXISTING_FILE, help="…with its certificate.")
@click.option(
    "--certify-password-env",
    metavar="VAR",
    envvar="PARAPHE_CERTIFY_PASSWORD_ENV",
    help="Environment variable holding the certification key's password.",
)
@click.option(
    "--certify-timestamp-url",
    metavar="URL",
    envvar="PARAPHE_CERTIFY_TIMESTAMP_URL",
    help="RFC 3161 time-stamping authority: the certification carries its trusted time (PAdES B-T at least)"
    " [env PARAPHE_CERTIFY_TIMESTAMP_URL].",
)
@click.option(
    "--certify-level",
    type=click.Choice(["B-B", "B-T", "B-LT", "B-LTA"]),
    help="PAdES level of the certification, as `sign --level`. Default: B-T with --certify-timestamp-url, else B-B.",
)
@click.option(
    "--certify-trust",
    type=EXISTING_FILE,
    multiple=True,
    metavar="CERT",
    help="Trusted root (PEM/DER) the certification's validation data is gathered along, for B-LT and B-LTA.",
)
@click.option("--no-certify", is_flag=True, help="Do not certify, even with a key configured.")
@click.option("--strict", is_flag=True, help="Warnings count as errors: such a manifest is not built.")
@OUTPUT_FORMAT
@click.option(
    "--consolidated",
    is_flag=True,
    help="For avenants: build the convention as each leaves it, a reading copy marked « Version consolidée »"
    " with no signature field, into <avenant>-consolidee.pdf.",
)
@click.option(
    "--no-pdfa", is_flag=True, help="Plain PDF instead of archival PDF/A-2 (no PDF/A claim, no output intent)."
)
def build(
    paths: tuple[Path, ...],
    out: Path,
    jobs: int,
    force: bool,
    converter_spec: str,
    certify_pkcs12: Path | None,
    certify_key: Path | None,
    certify_cert: Path | None,
    certify_password_env: str | None,
    certify_timestamp_url: str | None,
    certify_level: str | None,
    certify_trust: tuple[Path, ...],
    no_certify: bool,
    strict: bool,
    output_format: str,
    consolidated: bool,
    no_pdfa: bool,
) -> int:
    """Build manifests into .docx and signature-ready .pdf (default: conventions/)."""
    try:
        converter = pipeline.parse_converter(converter_spec, pdfa=not no_pdfa)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--converter") from None
    # Nothing is built yet: a certification key that cannot be loaded is a bad option, as a missing path is.
    with reported_errors(exit_code=2):
        certify_with = certify_options = None
        if not no_certify:
            certify_with = credentials(
                certify_pkcs12, certify_key, certify_cert, certify_password_env, prefix="certify-"
            )
        if certify_with is not None:
            level = certify_level or ("B-T" if certify_timestamp_url else "B-B")
            certify_options = pipeline.signing_options(level, certify_timestamp_url, certify_trust, prefix="certify-")
        manifests = pipeline.discover(list(paths) or [pipeline.DEFAULT_SOURCE])
    progress = _Progress(len(manifests), shown=output_format == "text" and not quiet())
    try:
        summary = pipeline.build(
            manifests, out, certify_with, jobs=jobs, force=force, converter=converter, on_event=progress, strict=strict,
            consolidated=consolidated, certify_options=certify_options,
        )  # fmt: skip
    finally:
        progress.close()
    failed = len(summary.failures)
    if output_format == "json":
        emit(_as_json(summary))
        return 1 if failed else 0
    for warning in (*summary.warnings, *(w for result in summary.results for w in result.warnings)):
        click.echo(str(warning), err=True)
    for failure in summary.failures:
        report(failure.diagnostics)
    strictly = strict and any(d.severity == "warning" for f in summary.failures for d in f.diagnostics)
    if failed or not quiet():
        click.echo(
            _(
                "{built} built, {reused} reused, {failed} failed in {seconds} s",
                built=summary.built,
                reused=summary.reused,
                failed=failed,
                seconds=_decimal(summary.seconds),
            )
            + (_(" (warnings are errors with --strict)") if strictly else ""),
            err=bool(failed),
        )
    return 1 if failed else 0


def _as_json(summary: BuildSummary) -> dict[str, object]:
    """The build for tools: each document written or reused, every diagnostic, the counts."""
    return {
        "ok": not summary.failures,
        "built": summary.built,
        "reused": summary.reused,
        "failed": len(summary.failures),
        "seconds": round(summary.seconds, 3),
        "documents": [
            {
                "manifest": printable(str(r.manifest)),
                "pdf": printable(str(r.pdf)),
                "docx": printable(str(r.docx)),
                "reused": r.reused,
                "pages": r.pages,
                "fingerprint": r.fingerprint,
                "final": r.final,
                "certified": r.certified,
                "warnings": [w.as_json() for w in r.warnings],
            }
            for r in summary.results
        ],
        "diagnostics": [
            d.as_json() for d in (*summary.warnings, *(d for f in summary.failures for d in f.diagnostics))
        ],
    }


class _Progress:
    """A bar on a terminal; elsewhere (logs, CI), one line per document as it is done."""

    def __init__(self, total: int, *, shown: bool = True) -> None:
        self.shown = shown  # not with --format json (stdout is the JSON) nor -q
        self.interactive = shown and sys.stdout.isatty() and total > 1
        self.bar = click.progressbar(length=total, label=_("building"), file=sys.stderr) if self.interactive else None
        if self.bar is not None:
            self.bar.__enter__()

    def __call__(self, event: Event, subject: BuildResult | ParapheError) -> None:
        if self.bar is not None:
            self.bar.update(1)
        elif self.shown and isinstance(subject, BuildResult):
            click.echo(_line(event, subject))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _line(event: Event, result: BuildResult) -> str:
    certification = ""
    if result.final:
        certification = _(", certified") if result.certified else _(", not certified (no certification key given)")
    line = N_("reused {pdf} ({pages} pages, fingerprint {fingerprint}{certification})")
    if event != "reused":
        line = N_("built {pdf} ({pages} pages, fingerprint {fingerprint}{certification})")
    return _(
        line,
        pdf=printable(str(result.pdf)),
        pages=result.pages,
        fingerprint=result.fingerprint,
        certification=certification,
    )


def _decimal(seconds: float) -> str:
    """`2.5`, or `2,5` in French: the decimal sign of the language the summary is in."""
    # Translators: the decimal sign, "," in French.
    return f"{seconds:.1f}".replace(".", _("."))
