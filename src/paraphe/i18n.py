"""The language paraphe speaks to its user: French where the locale is French, English otherwise.

Messages are written in English in the code and translated through gettext catalogs:
`locale/fr/LC_MESSAGES/paraphe.po` (the source translators edit) compiled to `paraphe.mo`
(shipped as package data). A message nobody has translated yet is shown in English, so a new
diagnostic never breaks for want of a translation.

    from paraphe.i18n import _
    _("unknown field {key}", key=repr(key))

Always pass the values as named fields (never an f-string): the English text is the key of the
catalog, and a translator moves the fields where French wants them. `make i18n` extracts the
messages, updates the .po files and compiles them (see the README, « Translating paraphe »).

The language follows the variables Python's gettext reads, in its order: the first set of
`LANGUAGE` (a list such as `fr:en`), `LC_ALL`, `LC_MESSAGES`, `LANG` (`fr_FR.UTF-8`, `fr_BE`…);
`C` or `POSIX` mean English. They are read on every message, so a test or a worker process
follows the environment it runs in.
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from io import BytesIO
from pathlib import Path

DOMAIN = "paraphe"
LOCALE_FOLDER: Traversable = files("paraphe") / "locale"
# The languages paraphe has a catalog for, besides English (the language of the code).
LANGUAGES = ("fr",)


_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def language() -> str:
    """The language of the messages: a code of LANGUAGES, or "en"."""
    return _language(next((value for name in _VARIABLES if (value := os.environ.get(name))), ""))


@cache
def _language(wanted: str) -> str:
    for locale in wanted.split(":"):
        code = _code(locale)
        if code in LANGUAGES:
            return code
        if code in ("en", "c", "posix"):
            break
    return "en"


def _code(locale: str) -> str:
    """`fr_FR.UTF-8@euro` → `fr`."""
    return locale.split(".")[0].split("@")[0].split("_")[0].strip().lower()


@cache
def translations(code: str) -> gettext.NullTranslations:
    """The compiled catalog of a language; for English, or a catalog missing, the messages as written."""
    compiled = LOCALE_FOLDER / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if code == "en" or not compiled.is_file():
        return gettext.NullTranslations()
    return gettext.GNUTranslations(BytesIO(compiled.read_bytes()))


def bind_for_libraries() -> None:
    """Libraries that call `gettext.gettext` (click: « Usage », « Options », its usage errors) take
    their texts from paraphe's catalog too, which holds their messages (`make i18n` extracts them).
    For the command line only: it sets the process's default gettext domain."""
    if isinstance(LOCALE_FOLDER, Path):  # gettext reads .mo files from a folder, not from a zip
        gettext.bindtextdomain(DOMAIN, str(LOCALE_FOLDER))
        gettext.textdomain(DOMAIN)


def _(message: str, /, **fields: object) -> str:
    """`message` in the user's language, its `{fields}` filled in."""
    return _filled(translations(language()).gettext(message), message, fields)


def ngettext(singular: str, plural: str, n: int, /, **fields: object) -> str:
    """The singular or plural form for `n` (given to the text as `{n}`), as the language counts."""
    english = singular if n == 1 else plural
    return _filled(translations(language()).ngettext(singular, plural, n), english, {"n": n, **fields})


def N_(message: str) -> str:
    """Marks a message to translate where it is shown, not where it is written (help of a command)."""
    return message


def _filled(translated: str, english: str, fields: dict[str, object]) -> str:
    if not fields:
        return translated
    try:
        return translated.format(**fields)
    except (KeyError, IndexError, ValueError):
        # A translation naming a field the code does not give: the English rather than a crash.
        return english.format(**fields)
