"""French typography: dates, numbers and the spaces French punctuation wants.

Rules follow the Lexique des règles typographiques de l'Imprimerie nationale:
a narrow no-break space (U+202F) before ; ! ? and inside « », a no-break space
(U+00A0) before : and between a number and its unit, narrow no-break spaces as
thousands separators, a comma as decimal separator.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

NBSP = "\u00a0"
NNBSP = "\u202f"

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def fr_date(date: dt.date) -> str:
    """« 9 octobre 2020 », « 1er mars 2021 »."""
    day = "1er" if date.day == 1 else str(date.day)
    return f"{day}{NBSP}{MONTHS[date.month - 1]}{NBSP}{date.year}"


def fr_number(value: float | int, decimals: int | None = None) -> str:
    """« 76 601 », « 14,8 », « 70,72 » — as written, never rounded unless asked."""
    if decimals is not None:
        text = f"{value:.{decimals}f}"
    elif isinstance(value, int) or float(value).is_integer():
        text = str(int(value))
    else:
        text = repr(float(value))
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    grouped = NNBSP.join(groups) if len(groups[0]) + 3 * (len(groups) - 1) > 4 else "".join(groups)
    return sign + grouped + ("," + fraction if fraction else "")


_SPACE_BEFORE_NARROW = re.compile(r"[ \u00a0\u202f]*([;!?])(?=\s|$)")
_SPACE_BEFORE_COLON = re.compile(r"(?<=\S)[ \u00a0\u202f]*:(?=\s|$)")
_GUILLEMET_OPEN = re.compile(r"«[ \u00a0\u202f]*")
_GUILLEMET_CLOSE = re.compile(r"[ \u00a0\u202f]*»")
_UNIT = re.compile(r"(?<=\d) (?=(?:%|‰|€|hab\.|ans\b|km))")
_DASH_LIST = re.compile(r"(?<=\S) - (?=\S)")
_ORDINAL = re.compile(r"\b1 ?\^?\{?er\}?\b")


@lru_cache(maxsize=8192)  # a document typesets the same few hundred texts again and again (« CCSS », « Action 1 »)
def fr_text(text: str) -> str:
    """Typeset a sentence written with a plain keyboard.

    Each rule runs only where the character it needs is there (a rendering typesets thousands of
    short texts, most with none): a rule that cannot match leaves the text as it is.
    """
    text = " ".join(text.split())
    text = text.replace("'", "’")
    if "1" in text:
        text = _ORDINAL.sub("1er", text)
    if ";" in text or "!" in text or "?" in text:
        text = _SPACE_BEFORE_NARROW.sub(NNBSP + r"\1", text)
    if ":" in text:
        text = _SPACE_BEFORE_COLON.sub(NBSP + ":", text)
    if "«" in text:
        text = _GUILLEMET_OPEN.sub("«" + NNBSP, text)
    if "»" in text:
        text = _GUILLEMET_CLOSE.sub(NNBSP + "»", text)
    if " " in text:
        text = _UNIT.sub(NBSP, text)
    return text
