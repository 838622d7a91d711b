"""Declared but never used: not wrong enough to stop a build, worth a secretariat's look (warnings).

An organisation or an acronym nobody mentions still lands in the generated glossary; a marker no
action carries prints nowhere. Usually a leftover of an earlier version, or a typo elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from paraphe.diagnostics import Diagnostic
from paraphe.i18n import _
from paraphe.manifest.rules.base import Manifest, strings
from paraphe.manifest.rules.parties import party_orgs


def _texts(manifest: Manifest, declared_under: str) -> list[str]:
    """Every text the document may print, but the declarations of the kind being checked.

    A marker's label (« Pouvant être porté par un agrément AVS ») or an organisation's name
    prints in the document and may use an acronym; an entry does not use itself.
    """
    return [text for pointer, text in strings(manifest.data) if pointer[0] != declared_under]


def _mentioned(key: str, texts: list[str]) -> bool:
    word = re.compile(rf"(?<!\w){re.escape(key)}(?!\w)")
    # A text without the key cannot hold it as a word: the plain search first is ten times faster.
    return any(key in text and word.search(text) for text in texts)


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
