"""What a manifest's text may hold: printable characters, of a sensible length.

The loader already refuses a forbidden character written as such in the file, at its
exact line and column. YAML escapes (``"\\a"``, ``"\\f"``, ``"\\0"``, ``"\\u202e"``,
``"\\ud800"``) put the same characters in a value without writing them: this walk
over the loaded values and keys finds those, and texts too long to be typeset.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from paraphe.diagnostics import Diagnostic

# C0/C1 controls (tab and line ends aside), DEL, noncharacters.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Embeddings, overrides and isolates: they make text read in another order than it is stored.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# A Python string holds a lone surrogate only when a YAML escape wrote one (UTF-8 cannot).
_SURROGATE = re.compile("[\ud800-\udfff]")

FORBIDDEN = re.compile(f"{_CONTROL.pattern}|{_BIDI.pattern}|{_SURROGATE.pattern}")

# The longest text a manifest value may hold: a long paragraph is a few thousand characters.
MAX_TEXT = 10_000
MAX_KEY = 200


def rule_of(char: str) -> str:
    """The rule a forbidden character breaks."""
    if _BIDI.match(char):
        return "text.bidi"
    if _SURROGATE.match(char):
        return "text.surrogate"
    return "text.control-character"


def describe(char: str) -> str:
    """`U+202E (RIGHT-TO-LEFT OVERRIDE)`; surrogates and most controls have no name: `U+0007`."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def _what(char: str) -> str:
    rule = rule_of(char)
    if rule == "text.bidi":
        return "bidirectional control character"
    if rule == "text.surrogate":
        return "unpaired surrogate"
    return "control character"


Pointer = tuple[str | int, ...]


def text_problems(data: Any, locate: Any) -> list[Diagnostic]:
    """Forbidden characters and oversized texts in every key and string value.

    `locate(pointer, key=False)` gives a Location (SourceMap.locate).
    """
    return list(_walk(data, (), locate))


def _walk(node: Any, pointer: Pointer, locate: Any) -> Iterator[Diagnostic]:
    if isinstance(node, dict):
        for key, value in node.items():
            here = pointer + (key,)
            yield from _check(key, here, locate, key=True)
            yield from _walk(value, here, locate)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, pointer + (index,), locate)
    elif isinstance(node, str):
        yield from _check(node, pointer, locate, key=False)


def _check(text: str, pointer: Pointer, locate: Any, *, key: bool) -> Iterator[Diagnostic]:
    where = locate(pointer, key=key)
    field = _field(pointer)
    found = FORBIDDEN.search(text)
    if found is not None:
        char = found.group()
        place = "key" if key else "value"
        fix = "write the character itself, not its UTF-16 halves" if rule_of(char) == "text.surrogate" else "remove it"
        yield Diagnostic(
            where,
            f"{_what(char)} {describe(char)} in the {place} of {field} (written as a YAML escape); {fix}",
            rule_of(char),
        )
    limit = MAX_KEY if key else MAX_TEXT
    if len(text) > limit:
        yield Diagnostic(
            where,
            f"{field}: {'key' if key else 'text'} of {len(text)} characters; the limit is {limit}",
            "text.too-long",
        )


def _field(pointer: Pointer) -> str:
    # A key may be the offending text itself: never echo it whole, never echo what cannot be printed.
    shown = FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", ".".join(str(p) for p in pointer)) or "manifest"
    return shown if len(shown) <= 80 else shown[:77] + "…"
