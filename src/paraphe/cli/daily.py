"""The secretariat's daily commands: `paraphe new` starts a convention, `paraphe status` follows it,
`paraphe schema` hands the JSON Schema to an editor."""

from __future__ import annotations

import os
from pathlib import Path

import click

from paraphe import pipeline
from paraphe.cli.common import OUTPUT_FORMAT, emit, quiet
from paraphe.diagnostics import printable
from paraphe.i18n import _


@click.command()
@click.argument("kind", type=click.Choice(pipeline.KINDS))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--territory",
    metavar="NAME",
    help="A CTG's communauté de communes, as the nearest territories.yaml lists it; "
    "a schema's département (default: the one territories.yaml names).",
)
@click.option(
    "--start", type=click.IntRange(1900, 2200), metavar="YEAR", help="First year of the period [default: this year]."
)
@OUTPUT_FORMAT
def new(kind: str, path: Path, territory: str | None, start: int | None, output_format: str) -> None:
    """Write a commented first draft of a KIND convention at PATH, valid and ready to fill.

    \b
    paraphe new ctg conventions/cantal/ctg-saint-flour-2025.yaml --territory "Saint-Flour Communauté"
    paraphe new sdsf conventions/cantal/sdsf-2026-2029.yaml --start 2026

    The file's name gives the convention's id; an existing file is never overwritten.
    """
    draft = pipeline.new_convention(kind, path, territory, start)
    shown = printable(str(draft.path))
    if output_format == "json":
        emit({"file": shown, "kind": draft.kind, "territory": draft.territory, "schema": draft.schema})
        return
    if not quiet():
        message = _(
            "wrote {file}: a {kind} draft for {territory}; fill in each « [à compléter] »",
            file=shown,
            kind=draft.kind,
            territory=draft.territory,
        )
        click.echo(message)
    if not draft.schema_found:
        hint = _(
            "hint: editors check the draft against {schema} (its yaml-language-server line); "
            "write that file once with: paraphe schema -o {file}",
            schema=draft.schema,
            file=printable(os.path.normpath(draft.schema_file)),
        )
        click.echo(hint, err=True)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=pipeline.DEFAULT_OUT,
    show_default=True,
    help="The build folder, where the PDFs and their signed copies are.",
)
@OUTPUT_FORMAT
def status(paths: tuple[Path, ...], out: Path, output_format: str) -> None:
    """Where each convention stands: draft or final, built, who signed, who is still to sign.

    Looks at each manifest (files or folders; default: conventions/), its built PDF in --out and the
    signed copies beside it (<name>.<anything>.pdf: y.signed.pdf, y.demo-signed.pdf).
    """
    reports = pipeline.convention_status(list(paths) or [pipeline.DEFAULT_SOURCE], out)
    if output_format == "json":
        emit([r.as_json() for r in reports])
        return
    for report in reports:
        for line in report.lines():
            click.echo(line)


@click.command()
@click.argument("name", type=click.Choice(sorted(pipeline.SCHEMAS)), default="convention")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write it to this file (else: print it)."
)
def schema(name: str, output: Path | None) -> None:
    """Print the JSON Schema of a manifest (convention) or of territories.yaml (territories)."""
    text = pipeline.schema_text(name)
    if output is None:
        click.echo(text, nl=False)
        return
    pipeline.write_output(output, text.encode("utf-8"))
    if not quiet():
        click.echo(_("wrote {output}", output=printable(str(output))), err=True)
