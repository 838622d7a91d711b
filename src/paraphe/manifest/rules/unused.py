"""Declared but never used: not wrong enough to stop a build, worth a secretariat's look (warnings).

An organisation or an acronym nobody mentions still lands in the generated glossary; a marker no
action carries prints nowhere. Usually a leftover of an earlier version, or a typo elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from paraphe.diagnostics import Diagnostic
from paraphe.i18n import _
from paraphe.manifest.rules.base import Manifest
from paraphe.manifest.rules.parties import party_orgs

# Between two texts: a character no text nor key holds (control characters are refused when a manifest is read).
_APART = "\x00"


def _texts(manifest: Manifest, declared_under: str) -> str:
    """Every text the document may print, but the declarations of the kind being checked, one after
    the other, kept apart.

    A marker's label (« Pouvant être porté par un agrément AVS ») or an organisation's name
    prints in the document and may use an acronym; an entry does not use itself.
    """
    return _APART.join(text for key, texts in manifest.texts.items() if key != declared_under for text in texts)


def _mentioned(key: str, texts: str) -> bool:
    """Whether `key` is a word of one of the `texts`: the separator is no word character and no key
    holds it either, so a word found is found within one text."""
    word = re.compile(rf"(?<!\w){re.escape(key)}(?!\w)")
    # Where the key is found as it is, whether it stands as a word there: the plain search finds the few
    # places, a search of the expression over all the texts would try every position.
    found = texts.find(key)
    while found != -1:
        if word.match(texts, found):
            return True
        found = texts.find(key, found + 1)
    return False


def _organisations_in_roles(manifest: Manifest) -> set[str]:
    used = {s["org"] for s in manifest.signatories}
    used.update(org for p in manifest.data.get("parties", []) for org in party_orgs(p))
    for _pointer, action, _depth in manifest.actions():
        for actor in action.get("actors", []):
            used.add(actor if isinstance(actor, str) else actor.get("org", ""))
    return used


def unused_organisations(manifest: Manifest) -> Iterator[Diagnostic]:
    used, texts = _organisations_in_roles(manifest), _texts(manifest, "organisations")
    for key in manifest.organisations:
        if key not in used and not _mentioned(key, texts):
            yield manifest.at(
                ("organisations", key),
                _(
                    "organisation {key!r} is neither an actor, a signatory nor a party, and no text mentions it",
                    key=key,
                ),
                "unused.organisation",
                key=True,
            )


def unused_glossary(manifest: Manifest) -> Iterator[Diagnostic]:
    texts = _texts(manifest, "glossary")
    for key in manifest.data.get("glossary", {}):
        if key not in manifest.organisations and not _mentioned(key, texts):
            yield manifest.at(
                ("glossary", key),
                _("acronym {key!r} appears in no text of the convention; the glossary would list it anyway", key=key),
                "unused.glossary",
                key=True,
            )


def unused_markers(manifest: Manifest) -> Iterator[Diagnostic]:
    carried = {key for _p, action, _d in manifest.actions() for key in action.get("markers", [])}
    carried.update(key for _p, section, _d in manifest.sections() for key in section.get("legend", []))
    for key in manifest.data.get("markers", {}):
        if key not in carried:
            yield manifest.at(
                ("markers", key),
                _("marker {key!r} is carried by no action and shown in no legend; it prints nowhere", key=key),
                "unused.marker",
                key=True,
            )
