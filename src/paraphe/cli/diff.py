"""`paraphe diff`: what changed between two versions of a convention.

Exit codes, as diff(1): 0 no change, 1 changes, 2 error (bad usage, invalid manifest,
git failure). Invoked by git as a diff driver (`--git-external`), it always exits 0
so that `git diff` goes on to the next file.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from paraphe import pipeline
from paraphe.cli.common import quiet, report, reported_errors
from paraphe.diagnostics import Diagnostic, Location
from paraphe.diff.format import FORMATS, Header, render
from paraphe.errors import ParapheError
from paraphe.i18n import _

if TYPE_CHECKING:
    from paraphe.diff.sources import Side

DEV_NULL = "/dev/null"
# As diff(1): 1 means « changes found », so every error exits 2.
ERROR_EXIT = 2


def _sides(paths: tuple[Path, ...], rev: str | None) -> tuple[Side, Side]:
    from paraphe.diff.sources import from_git, parse_rev  # loaded by the diff alone, not by every command

    if rev is not None:
        if len(paths) != 1:
            raise click.UsageError(_("with --rev, give one manifest: paraphe diff MANIFEST --rev REV[..REV2]"))
        old_rev, new_rev = parse_rev(rev)
        old = from_git(paths[0], old_rev, pipeline.load_convention_bytes)
        new = from_git(paths[0], new_rev, pipeline.load_convention_bytes) if new_rev else _from_file(paths[0])
        return old, new
    if len(paths) != 2:
        raise click.UsageError(_("give two manifests (paraphe diff OLD NEW), or one with --rev REV"))
    return _from_file(paths[0]), _from_file(paths[1])


def _from_file(path: Path) -> Side:
    """A manifest, convention or avenant (whose diff is its articles')."""
    from paraphe.diff.sources import from_file

    return from_file(path, pipeline.load_convention)


def _use_color(choice: str, output: Path | None) -> bool:
    if choice != "auto":
        return choice == "always"
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


@click.command("diff")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="OLD NEW | MANIFEST --rev REV")
@click.option("--rev", metavar="REV[..REV2]", help="Compare MANIFEST with its version at a git revision (or two).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="markdown: for a merge-request comment; json: for tools; html: a standalone page.",
)
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text format (auto: on a terminal).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of the standard output.",
)
@click.option(
    "--redline",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="OUT.pdf|OUT.odt",
    help="Also write LibreOffice's comparison of the two documents, changes tracked.",
)
@click.option("--git-external", is_flag=True, hidden=True, help="Called by git as diff.<driver>.command.")
def diff(
    paths: tuple[Path, ...],
    rev: str | None,
    output_format: str,
    color: str,
    output: Path | None,
    redline: Path | None,
    git_external: bool,
) -> int:
    """Show what changed between two versions of a convention, element by element.

    \b
    paraphe diff OLD.yaml NEW.yaml
    paraphe diff MANIFEST --rev HEAD~1        # the file against its version at HEAD~1
    paraphe diff MANIFEST --rev v1..v2        # two versions from git
    paraphe diff OLD.yaml NEW.yaml --redline redline.pdf
    """
    if git_external:
        _git_external([str(p) for p in paths], _use_color(color, None))
        return 0  # git goes on to the next file only if its driver succeeds
    if redline is not None and redline.suffix.lower() not in (".pdf", ".odt"):
        raise click.BadParameter(_("the redline is written as .pdf or .odt"), param_hint="--redline")
    with reported_errors(exit_code=ERROR_EXIT):
        from paraphe.diff.sources import compare

        old, new = _sides(paths, rev)
        changes = compare(old, new)
        if redline is not None:
            _write_redline(old, new, redline)
        header = Header(old.name, new.name, new.convention.title)
        text = render(changes, output_format, header, color=_use_color(color, output))
        if output is not None:
            pipeline.write_output(output, text.encode("utf-8"))  # an OutputError (io.write) when it cannot
            if not quiet():
                click.echo(_("wrote {output} ({count} change(s))", output=output, count=len(changes)), err=True)
        else:
            click.echo(text, nl=False, color=True)
    return 1 if changes else 0


def _write_redline(old: Side, new: Side, target: Path) -> None:
    from paraphe.diff.redline import redline

    document = redline(old.convention, new.convention, old.name, new.name)
    data = document.odt if target.suffix.lower() == ".odt" else document.pdf
    pipeline.write_output(target, data)
    if not quiet():
        click.echo(_("wrote {output}", output=target), err=True)


def _git_external(args: list[str], color: bool) -> None:
    """`path old-file old-hex old-mode new-file new-hex new-mode [new-path info]`, from git.

    A manifest added or deleted, a YAML file that is not a manifest (no `kind`), or one that
    does not validate yet (its diagnostics first) is shown line by line, as git would.
    """
    if len(args) not in (7, 9):
        raise click.UsageError("--git-external expects the 7 (or 9) arguments git gives a diff driver")
    path, old_file, new_file = Path(args[0]), args[1], args[4]
    new_path = Path(args[7]) if len(args) == 9 else path
    a, b = f"a/{path.as_posix()}", f"b/{new_path.as_posix()}"
    try:
        old_bytes = b"" if old_file == DEV_NULL else Path(old_file).read_bytes()
        new_bytes = b"" if new_file == DEV_NULL else Path(new_file).read_bytes()
    except OSError as exc:
        report(
            [Diagnostic(Location(str(exc.filename)), f"cannot read the version git gave: {exc.strerror}", "io.read")]
        )
        return
    click.echo(f"paraphe diff {a} {b}")
    if DEV_NULL in (old_file, new_file) or not (_is_manifest(old_bytes) and _is_manifest(new_bytes)):
        _line_diff(old_bytes, new_bytes, a, b)
        return
    from paraphe.diff.sources import compare, from_bytes

    try:
        changes = compare(
            from_bytes(path, old_bytes, a, pipeline.load_convention_bytes),
            from_bytes(new_path, new_bytes, b, pipeline.load_convention_bytes),
        )
    except ParapheError as exc:
        report(exc.diagnostics)
        _line_diff(old_bytes, new_bytes, a, b)
        return
    click.echo(render(changes, "text", Header("", "", ""), color=color), nl=False, color=True)


def _is_manifest(content: bytes) -> bool:
    """Whether a YAML file looks like a convention manifest: a top-level `kind` key.

    A plain scan, not a YAML load: the driver must not expand what it has not validated.
    """
    return re.search(rb"^[\"']?kind[\"']?[ \t]*:", content, re.MULTILINE) is not None


def _line_diff(old: bytes, new: bytes, a: str, b: str) -> None:
    lines = difflib.unified_diff(
        old.decode("utf-8", "replace").splitlines(keepends=True),
        new.decode("utf-8", "replace").splitlines(keepends=True),
        a,
        b,
    )
    click.echo("".join(line if line.endswith("\n") else line + "\n" for line in lines), nl=False)
