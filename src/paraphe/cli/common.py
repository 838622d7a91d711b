"""What every `paraphe` command shares: how errors are printed and exit, and the credential options.

A command returns its exit code (None for 0) or raises a `ParapheError`; `ParapheGroup` turns
both into the exit, so that `main()` is the one place that leaves the process. The exit code of
an error is the one its class carries (`ParapheError.exit_code`: 1 a failed job, 2 bad usage).
"""

from __future__ import annotations

import inspect
import json
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from paraphe import pipeline
from paraphe.diagnostics import Diagnostic
from paraphe.errors import ParapheError
from paraphe.i18n import _

if TYPE_CHECKING:
    from paraphe.pipeline import Credentials

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)

F = TypeVar("F", bound=Callable[..., Any])


def OUTPUT_FORMAT(command: F) -> F:  # noqa: N802 - used as a decorator, like click's own
    """`--format text|json`, the same on every command."""
    option = click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="json: for tools, on the standard output (diagnostics included).",
    )
    return option(command)


def emit(data: object) -> None:
    """A command's JSON result: UTF-8 as typed, indented, one document on the standard output."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def quiet() -> bool:
    """Whether `paraphe -q` was given: only errors and what was asked for (JSON, a report) are printed."""
    context = click.get_current_context(silent=True)
    return bool(context is not None and context.find_root().params.get("quiet"))


def report(diagnostics: Iterable[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        click.echo(str(diagnostic), err=True)


@contextmanager
def reported_errors(exit_code: int | None = None) -> Iterator[None]:
    """Print a `ParapheError`'s diagnostics and exit with the code its class carries.

    `exit_code` replaces it where a command gives the codes another meaning: diff(1)'s 1 means
    « changes found », so any error of `diff` exits 2; a key that cannot be loaded is a bad
    option of `build` (nothing was built) but the failed job of `sign`.
    """
    try:
        yield
    except ParapheError as error:
        report(error.diagnostics)
        raise click.exceptions.Exit(error.exit_code if exit_code is None else exit_code) from None


class ParapheGroup(click.Group):
    """The `paraphe` group: its commands' errors and returned codes become the exit status; its
    help, and its commands', in the user's language."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        localize_help(self)
        return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with reported_errors():
            code = super().invoke(ctx)
        if isinstance(code, int) and code:
            # An exception rather than a return value: click's standalone mode (CliRunner) drops the latter.
            raise click.exceptions.Exit(code)
        return code


# The English help of each command and option, as written in the code: the key of its translation.
_ENGLISH: weakref.WeakKeyDictionary[object, dict[str, str]] = weakref.WeakKeyDictionary()
_HELP_TEXTS = ("help", "short_help", "epilog")


def localize_help(command: click.Command) -> None:
    """Every help text under `command` in the current language (English where nobody translated it).

    Help is written where click reads it, in the decorators; it is translated where it is shown, at
    each run, from the English kept aside, so that one process may run in several languages (tests).
    """
    for obj in (command, *command.params):
        english = _ENGLISH.setdefault(
            obj, {n: inspect.cleandoc(t) for n in _HELP_TEXTS if (t := getattr(obj, n, None))}
        )
        for name, text in english.items():
            setattr(obj, name, _(text))
    # click makes --help once, in the language of that moment: made again, its help follows the locale.
    command._help_option = None
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localize_help(sub)


def credentials(
    pkcs12: Path | None, key: Path | None, cert: Path | None, password_env: str | None, *, prefix: str = ""
) -> Credentials | None:
    """Credentials from the options, or None when none is given; bad combinations are usage errors."""
    if pkcs12 is not None and (key is not None or cert is not None):
        raise click.UsageError(
            _("give either --{prefix}pkcs12, or --{prefix}key with --{prefix}cert, not both", prefix=prefix)
        )
    if (key is None) != (cert is None):
        raise click.UsageError(_("--{prefix}key and --{prefix}cert go together", prefix=prefix))
    if pkcs12 is None and key is None:
        return None  # before importing pyHanko: a build without certification never loads it
    return pipeline.load_credentials(pkcs12=pkcs12, key=key, cert=cert, password_env=password_env)
