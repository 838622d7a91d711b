"""A final convention's signatories: each name can be found on the signature page.

The build places each signature field over the signatory's name, which it finds in the
converted PDF. A name in letters the document's fonts hold (Latin, Greek, Cyrillic, with their
accents) is found, even when a few are drawn from a fallback font; a name of other scripts, or
of symbols, comes out of LibreOffice in pieces no search can put back together.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from paraphe.diagnostics import Diagnostic
from paraphe.i18n import _
from paraphe.manifest.rules.base import Manifest
from paraphe.placeholders import is_placeholder

MAX_NAME = 100
_SCRIPTS = ("LATIN ", "GREEK ", "CYRILLIC ")
_SIGNS = set(" -‐'’.,()") | set("0123456789")


def _printable_letter(char: str) -> bool:
    if char in _SIGNS or unicodedata.category(char) == "Mn":  # combining accents
        return True
    return unicodedata.name(char, "").startswith(_SCRIPTS)


def names_findable(manifest: Manifest) -> Iterator[Diagnostic]:
    if not manifest.is_final:
        return  # a draft has no signature fields to place
    for i, signatory in enumerate(manifest.signatories):
        name = signatory["name"]
        here = ("signatories", i, "name")
        if is_placeholder(name):
            continue  # said once, as the placeholder it is (final.placeholder)
        odd = sorted({c for c in name if not _printable_letter(c)})
        if odd:
            shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in odd[:5])
            yield manifest.at(
                here,
                _(
                    "the name of {id!r} holds {shown}; a signatory's name is written in Latin, Greek "
                    "or Cyrillic letters, spaces, hyphens, apostrophes and periods",
                    id=signatory["id"],
                    shown=shown,
                ),
                "signatory.name",
            )
        elif len(name) > MAX_NAME:
            message = _(
                "the name of {id!r} has {count} characters; at most {limit}",
                id=signatory["id"],
                count=len(name),
                limit=MAX_NAME,
            )
            yield manifest.at(here, message, "signatory.name")
