"""`paraphe templates check`: Word templates checked against the context paraphe gives their kind."""

from __future__ import annotations

from pathlib import Path

import click

from paraphe import pipeline
from paraphe.cli.common import report


@click.group()
def templates() -> None:
    """Word templates (docxtpl): check them before a build."""


@templates.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> int:
    """Check templates (files or folders; the name says the kind: ctg.docx).

    Default: paraphe's templates (or $PARAPHE_TEMPLATES'), then every templates/ folder under conventions/.
    """
    reports = pipeline.check_templates(list(paths))
    report(d for r in reports for d in r.diagnostics)
    bad = sum(not r.ok for r in reports)
    errors = sum(len(r.diagnostics) for r in reports)
    summary = (
        f"{bad} of {len(reports)} template(s) refused, {errors} error(s)"
        if bad
        else f"{len(reports)} template(s) sound"
    )
    click.echo(summary, err=bool(bad))
    return 1 if bad else 0
