"""`paraphe templates check`: Word templates checked against the context paraphe gives their kind."""

from __future__ import annotations

from pathlib import Path

import click

from paraphe import pipeline
from paraphe.cli.common import OUTPUT_FORMAT, emit, quiet, report
from paraphe.diagnostics import printable
from paraphe.i18n import _


@click.group()
def templates() -> None:
    """Word templates (docxtpl): check them before a build."""


@templates.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@OUTPUT_FORMAT
def check(paths: tuple[Path, ...], output_format: str) -> int:
    """Check templates (files or folders; the name says the kind: ctg.docx).

    Default: paraphe's templates (or $PARAPHE_TEMPLATES'), then every templates/ folder under conventions/.
    """
    reports = pipeline.check_templates(list(paths))
    if output_format == "json":
        emit(
            [
                {
                    "file": printable(str(r.path)),
                    "kind": r.kind,
                    "ok": r.ok,
                    "diagnostics": [d.as_json() for d in r.diagnostics],
                }
                for r in reports
            ]
        )
        return 1 if any(not r.ok for r in reports) else 0
    report(d for r in reports for d in r.diagnostics)
    bad = sum(not r.ok for r in reports)
    errors = sum(len(r.diagnostics) for r in reports)
    summary = (
        _("{bad} of {total} template(s) refused, {errors} error(s)", bad=bad, total=len(reports), errors=errors)
        if bad
        else _("{total} template(s) sound", total=len(reports))
    )
    if bad or not quiet():
        click.echo(summary, err=bool(bad))
    return 1 if bad else 0
