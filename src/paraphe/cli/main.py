"""`paraphe` command line. Exit codes: 0 success, 1 failed job, 2 bad usage."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from paraphe import __version__, pipeline
from paraphe.cli.build import build
from paraphe.cli.common import OUTPUT_FORMAT, ParapheGroup, emit, quiet, report
from paraphe.cli.daily import new, schema, status
from paraphe.cli.diff import diff
from paraphe.cli.sign import sign, verify
from paraphe.cli.templates import templates
from paraphe.diagnostics import printable
from paraphe.i18n import _, bind_for_libraries, ngettext
from paraphe.procutil import Terminated, raise_on_termination

# click's own texts (« Usage: », « Options: », its usage errors) from paraphe's catalog too.
bind_for_libraries()


@click.group(cls=ParapheGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paraphe")
@click.option(
    "-v", "--verbose", is_flag=True, help="Say more: what each stage does, why a document is rebuilt or reused."
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors, warnings and what was asked for (JSON, reports).")
def cli(verbose: bool, quiet: bool) -> None:
    """Build signature-ready French conventions (SDSF, CTG) from YAML manifests.

    Shell completion (bash, zsh, fish): add `eval "$(_PARAPHE_COMPLETE=bash_source paraphe)"` to ~/.bashrc
    (zsh_source to ~/.zshrc; fish: `_PARAPHE_COMPLETE=fish_source paraphe | source`).
    """
    if verbose and quiet:
        raise click.UsageError("-v and -q say opposite things: give one of them")
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s: %(message)s")
    # pyHanko logs every certificate path it cannot build; the verify report already says so.
    logging.getLogger("pyhanko").setLevel(logging.INFO if verbose else logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.INFO if verbose else logging.CRITICAL)
    # pypdf warns about every oddity of a damaged PDF; paraphe's own diagnostic says what matters.
    logging.getLogger("pypdf").setLevel(logging.WARNING if verbose else logging.ERROR)
    # fontTools lists every glyph of the subsets it makes (stamp and page-number fonts): noise for a user.
    logging.getLogger("fontTools").setLevel(logging.WARNING)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@OUTPUT_FORMAT
@click.option("--strict", is_flag=True, help="Warnings count as errors.")
def validate(paths: tuple[Path, ...], output_format: str, strict: bool) -> int:
    """Check manifests (files or folders; default: conventions/)."""
    reports = pipeline.validate_paths(list(paths) or [pipeline.DEFAULT_SOURCE], strict=strict)
    if output_format == "json":
        emit(
            [
                {"file": printable(str(r.path)), "valid": r.ok, "diagnostics": [d.as_json() for d in r.diagnostics]}
                for r in reports
            ]
        )
    else:
        report(d for r in reports for d in r.diagnostics)
        if not quiet() or not all(r.ok for r in reports):
            click.echo(_summary(reports, strict), err=not all(r.ok for r in reports))
    return 0 if all(r.ok for r in reports) else 1


def _summary(reports: list[pipeline.ValidationReport], strict: bool) -> str:
    bad = sum(not r.ok for r in reports)
    errors = sum(d.severity == "error" for r in reports for d in r.diagnostics)
    warnings = sum(d.severity == "warning" for r in reports for d in r.diagnostics)
    counted = ""
    if warnings:
        counted = ngettext(", {n} warning(s)", ", {n} warning(s)", warnings)
        counted += _(" (errors with --strict)") if strict else ""
    if bad:
        return ngettext(
            "{bad} of {n} manifest(s) invalid, {errors} error(s){warnings}",
            "{bad} of {n} manifest(s) invalid, {errors} error(s){warnings}",
            len(reports),
            bad=bad,
            errors=errors,
            warnings=counted,
        )
    return ngettext(
        "{n} manifest(s) valid{warnings}", "{n} manifest(s) valid{warnings}", len(reports), warnings=counted
    )


cli.add_command(build)
cli.add_command(sign)
cli.add_command(verify)
cli.add_command(diff)
cli.add_command(templates)
cli.add_command(new)
cli.add_command(status)
cli.add_command(schema)


def main() -> None:
    """The one place the process exits: with a command's code, its error's, 130 on Ctrl-C, 128 + N on signal N."""
    sys.exit(_run())


def _run() -> int:
    raise_on_termination()
    # Not click's standalone mode: it turns Ctrl-C into « Aborted! » and exit 1.
    try:
        code = cli.main(standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort) as stop:
        # click turns a KeyboardInterrupt (Terminated is one) into Abort, the signal in its cause.
        cause = stop if isinstance(stop, Terminated) else stop.__cause__
        if isinstance(cause, Terminated):
            click.echo(_("terminated ({signal}); earlier outputs are untouched", signal=cause.name), err=True)
            return 128 + cause.signum
        click.echo(_("interrupted; earlier outputs are untouched"), err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    main()
