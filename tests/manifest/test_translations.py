"""The catalogs: compiled from their sources, faithful to the fields of each message, and a
message nobody translated (or translated wrongly) still shown, in English."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from paraphe import i18n
from paraphe.i18n import LANGUAGES, _, ngettext
from support import ROOT

FIELD = re.compile(r"\{(\w*)")


def catalog(language: str):  # type: ignore[no-untyped-def]
    with (ROOT / "src" / "paraphe" / "locale" / language / "LC_MESSAGES" / "paraphe.po").open("rb") as source:
        return read_po(source, locale=language)


def test_each_mo_is_compiled_from_its_po() -> None:
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "i18n"), "--check"], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_use_only_the_fields_the_code_gives(language: str) -> None:
    wrong = []
    for message in catalog(language):
        if not message.id or not message.string:
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        translated = message.string if isinstance(message.string, tuple) else (message.string,)
        given = set().union(*(FIELD.findall(text) for text in english))
        wrong += [(message.id, text) for text in translated if not set(FIELD.findall(text)) <= given]
    assert wrong == []


def test_french_plurals_count_zero_and_one_as_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    valid = "{n} manifest(s) valid{warnings}"
    assert ngettext(valid, valid, 0, warnings="") == "0 manifeste valide"
    assert ngettext(valid, valid, 1, warnings="") == "1 manifeste valide"
    assert ngettext(valid, valid, 2, warnings="") == "2 manifestes valides"


def test_a_message_nobody_translated_is_shown_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert _("a diagnostic added after the translation, about {what}", what="x") == (
        "a diagnostic added after the translation, about x"
    )
    assert _("the manifest is empty") == "le manifeste est vide"


def test_a_translation_naming_a_field_the_code_does_not_give_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    class Mistaken(i18n.gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return "traduction avec {champ}"

    monkeypatch.setattr(i18n, "translations", lambda code: Mistaken())
    assert _("calendar {calendar!r} ends before it starts", calendar="2023-2020") == (
        "calendar '2023-2020' ends before it starts"
    )
