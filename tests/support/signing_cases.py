"""The diagnostics of the signing tests that need live services (a TSA, a token, a signing service),
kept as case folders like every other diagnostic: tests/cases/signing/<case>/expected.txt, one line
each, with {placeholders} for what each run makes anew (a temporary path, a port, a fingerprint);
{detail} stands for what a library or a service adds in its own words."""

from __future__ import annotations

import re

from support import CASES

SIGNING_CASES = CASES / "signing"


def _pattern(line: str, values: dict[str, str]) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", line)
    regex = "".join(
        (".+" if part == "detail" else re.escape(values[part])) if index % 2 else re.escape(part)
        for index, part in enumerate(parts)
    )
    return re.compile(regex)


def assert_case(case: str, output: str, **values: str) -> None:
    """Every line the case expects is a line of `output`, as printed."""
    printed = output.splitlines()
    for line in (SIGNING_CASES / case / "expected.txt").read_text(encoding="utf-8").splitlines():
        pattern = _pattern(line, values)
        assert any(pattern.fullmatch(p) for p in printed), f"{case}: {line!r} not in:\n{output}"
