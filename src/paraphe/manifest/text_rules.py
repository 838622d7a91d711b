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
from paraphe.i18n import N_, _

# C0/C1 controls (tab and line ends aside), DEL, noncharacters.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Embeddings, overrides and isolates: they make text read in another order than it is stored.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Format characters no one sees (direction marks, zero-width spaces and joiners, soft hyphens,
# tags) and Unicode's line and paragraph separators: a name holding one prints the same yet no
# longer matches itself on the rendered page (a signature field is placed by finding its name),
# and a line count disagrees between YAML (which breaks lines there) and editors. Unicode's
# format category (Cf) less the bidirectional controls above, plus Zl and Zp; a test keeps it so.
_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u2028\u2029"
    "\u2060-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
# A Python string holds a lone surrogate only when a YAML escape wrote one (UTF-8 cannot).
_SURROGATE = re.compile("[\ud800-\udfff]")

FORBIDDEN = re.compile(f"{_CONTROL.pattern}|{_BIDI.pattern}|{_INVISIBLE.pattern}|{_SURROGATE.pattern}")

# The longest text a manifest value may hold: a long paragraph is a few thousand characters.
MAX_TEXT = 10_000
MAX_KEY = 200


def rule_of(char: str) -> str:
    """The rule a forbidden character breaks."""
    if _BIDI.match(char):
        return "text.bidi"
    if _SURROGATE.match(char):
        return "text.surrogate"
    if _INVISIBLE.match(char):
        return "text.invisible"
    return "text.control-character"


def describe(char: str) -> str:
    """`U+202E (RIGHT-TO-LEFT OVERRIDE)`; surrogates and most controls have no name: `U+0007`."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def _what(char: str) -> str:
    rule = rule_of(char)
    if rule == "text.bidi":
        return _("bidirectional control character")
    if rule == "text.surrogate":
        return _("unpaired surrogate")
    if rule == "text.invisible":
        return _("invisible character")
    return _("control character")


Pointer = tuple[str | int, ...]


def text_problems(data: Any, locate: Any) -> list[Diagnostic]:
    """Forbidden characters and oversized texts in every key and string value.

    `locate(pointer, key=False)` gives a Location (SourceMap.locate).
    """
    if not _any_problem(data):
        return []  # most manifests: no pointer made for each of their values
    return list(_walk(data, (), locate))


def _any_problem(node: Any) -> bool:
    """Whether `_walk` would find something: its reading of keys and values, without their pointers."""
    waiting = [node]
    while waiting:
        value = waiting.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and (len(key) > MAX_KEY or FORBIDDEN.search(key)):
                    return True
                waiting.append(item)
        elif isinstance(value, list):
            waiting.extend(value)
        elif isinstance(value, str) and (len(value) > MAX_TEXT or FORBIDDEN.search(value)):
            return True
    return False


def _walk(node: Any, pointer: Pointer, locate: Any) -> Iterator[Diagnostic]:
    """Each key, then its value, in the document's order; a stack rather than nested generators."""
    waiting: list[tuple[Pointer, Any, bool]] = [(pointer, node, False)]  # (pointer, text or node, is a key)
    while waiting:
        here, value, is_key = waiting.pop()
        if isinstance(value, dict):
            for key, item in reversed(value.items()):
                waiting.append(((*here, key), item, False))
                waiting.append(((*here, key), key, True))
        elif isinstance(value, list):
            waiting.extend(((*here, index), item, False) for index, item in reversed(list(enumerate(value))))
        elif isinstance(value, str) and (len(value) > (MAX_KEY if is_key else MAX_TEXT) or FORBIDDEN.search(value)):
            yield from _check(value, here, locate, key=is_key)  # most texts: nothing to locate nor name


def _check(text: str, pointer: Pointer, locate: Any, *, key: bool) -> Iterator[Diagnostic]:
    """What is wrong with a text `_walk` found too long or holding a forbidden character, located."""
    limit = MAX_KEY if key else MAX_TEXT
    found = FORBIDDEN.search(text)
    where = locate(pointer, key=key)
    field = _field(pointer)
    if found is not None:
        char = found.group()
        message = N_("{what} {char} in the value of {field} (written as a YAML escape); {fix}")
        if key:
            message = N_("{what} {char} in the key of {field} (written as a YAML escape); {fix}")
        fix = _("remove it")
        if rule_of(char) == "text.surrogate":
            fix = _("write the character itself, not its UTF-16 halves")
        yield Diagnostic(where, _(message, what=_what(char), char=describe(char), field=field, fix=fix), rule_of(char))
    if len(text) > limit:
        yield Diagnostic(
            where,
            _(
                N_("{field}: key of {count} characters; the limit is {limit}")
                if key
                else N_("{field}: text of {count} characters; the limit is {limit}"),
                field=field,
                count=len(text),
                limit=limit,
            ),
            "text.too-long",
        )


def _field(pointer: Pointer) -> str:
    # A key may be the offending text itself: never echo it whole, never echo what cannot be printed.
    shown = FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", ".".join(str(p) for p in pointer)) or "manifest"
    return shown if len(shown) <= 80 else shown[:77] + "…"
