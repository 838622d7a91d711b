"""The one exception root of paraphe; every error carries its diagnostics and its exit code.

Exit codes follow click's (and most tools'): 1 a job failed (bad input, failed tool), 2 the
command was used wrongly (a path that does not exist, options that cannot be used). The CLI
reads `exit_code` from the error; the core never exits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, Self

from paraphe.diagnostics import Diagnostic, Location


class ParapheError(Exception):
    """Root of every error paraphe raises on purpose (bad input, failed tool)."""

    exit_code: ClassVar[int] = 1

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    def __reduce__(self) -> tuple[type[ParapheError], tuple[tuple[Diagnostic, ...]]]:
        # Errors cross process boundaries in parallel builds; rebuild them from their diagnostics.
        return (type(self), (self.diagnostics,))

    @classmethod
    def at(cls, location: Location, message: str, rule: str) -> Self:
        return cls([Diagnostic(location, message, rule)])


class UsageError(ParapheError):
    """What the command was given cannot be used at all: nothing was attempted (exit 2, as click's)."""

    exit_code: ClassVar[int] = 2


class ManifestError(ParapheError):
    """The manifest cannot be read or is invalid."""


class RenderError(ParapheError):
    """A template could not be filled."""


class ConversionError(ParapheError):
    """LibreOffice failed to turn a document into PDF."""


class AssemblyError(ParapheError):
    """The final PDF could not be assembled (annexes, fields, outline)."""


class OutputError(ParapheError):
    """An output cannot be written (disk full, permissions) or is being written by another build."""


class SigningError(ParapheError):
    """A document cannot be signed or certified (credentials, field, earlier signatures)."""


def internal_error(where: Location, exc: BaseException) -> ParapheError:
    """An exception paraphe did not mean, as the located error of the one document it happened on."""
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return ParapheError.at(
        where,
        f"paraphe failed on this document ({what[:200]}); this is a bug, please report it with the manifest",
        "build.internal",
    )
