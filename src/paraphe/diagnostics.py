"""Located diagnostics: every problem paraphe reports says where it is."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from paraphe.catalog import Severity, rule

# What would break a diagnostic over several lines, or could not be printed: shown as escapes.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` on one line, in valid UTF-8: controls as escapes; a file name's byte that is not UTF-8
    (which Python holds as a lone surrogate, U+DC80-U+DCFF) as `\\xNN`, the byte it stands for."""
    return _UNPRINTABLE.sub(_escape, text)


def _escape(found: re.Match[str]) -> str:
    char = found.group()
    if "\udc80" <= char <= "\udcff":
        return f"\\x{ord(char) - 0xDC00:02x}"
    return char.encode("unicode_escape").decode("ascii")


_one_line = printable


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file; line and column are 1-based, 0 when unknown."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col or 1}"
        return self.file


@dataclass(frozen=True)
class Diagnostic:
    """One problem: `file:line:col: error: message [rule]`; its severity is its rule's, from the catalog."""

    location: Location
    message: str
    rule: str

    def __post_init__(self) -> None:
        # A code missing from the catalog fails where the diagnostic is made, in the tests that reach it.
        rule(self.rule)

    @property
    def severity(self) -> Severity:
        return rule(self.rule).severity

    def __str__(self) -> str:
        # One diagnostic, one line, whatever text from the manifest the message quotes.
        return _one_line(f"{self.location}: {self.severity}: {self.message} [{self.rule}]")

    def as_json(self) -> dict[str, object]:
        return {
            "file": printable(self.location.file),
            "line": self.location.line,
            "col": self.location.col,
            "severity": self.severity,
            "rule": self.rule,
            "message": printable(self.message),
        }

    @classmethod
    def from_json(cls, data: object) -> Diagnostic | None:
        """The diagnostic `as_json` wrote (kept with an output), or None when `data` is not one."""
        if not isinstance(data, dict):
            return None
        try:
            location = Location(str(data["file"]), int(data["line"]), int(data["col"]))
            return cls(location, str(data["message"]), str(data["rule"]))
        except (KeyError, TypeError, ValueError, LookupError):
            return None  # written by another version of paraphe: not shown again, rebuilt instead


def blocking(diagnostics: Iterable[Diagnostic], *, strict: bool = False) -> bool:
    """Whether these findings stop a manifest: an error does; with `strict`, a warning too."""
    return any(d.severity == "error" or strict for d in diagnostics)
