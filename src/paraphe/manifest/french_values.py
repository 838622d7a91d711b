"""French words for the choices a secretariat types: `féminin` means `feminine`, `projet` `draft`.

The schema lists both forms (an editor completes either); the manifest is read as if the English
form had been typed, so every later stage, the build record and `diff` see one value: changing
`feminine` into `féminin` changes nothing in the document.

Only the choices people type while writing a convention are given French words here: its status,
a party's gender, an organisation's type, a generated annex. Layout settings (`opening`, a level's
`numbering`) are set once per template by whoever designs the document, and keep their one name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from paraphe.manifest.load import LoadedManifest

STATUS = {"projet": "draft", "définitif": "final"}
GENDER = {"féminin": "feminine", "masculin": "masculine"}
ORGANISATION_TYPE = {"état": "etat", "région": "region", "département": "departement"}
GENERATED = {"glossaire": "glossary"}


def canonical(loaded: LoadedManifest) -> LoadedManifest:
    """The manifest with each French choice replaced by its English form."""
    data = loaded.data
    if not isinstance(data, dict):
        return loaded  # the schema reports it
    data = dict(data)
    data["status"] = _word(data.get("status"), STATUS)
    data["parties"] = _each(data.get("parties"), "gender", GENDER)
    data["annexes"] = _each(data.get("annexes"), "generated", GENERATED)
    organisations = data.get("organisations")
    if isinstance(organisations, dict):
        data["organisations"] = {
            key: _field(value, "type", ORGANISATION_TYPE) if isinstance(value, dict) else value
            for key, value in organisations.items()
        }
    absent = {k for k in ("status", "parties", "annexes") if k not in loaded.data}
    return dataclasses.replace(loaded, data={k: v for k, v in data.items() if k not in absent})


def _word(value: Any, words: Mapping[str, str]) -> Any:
    return words.get(value, value) if isinstance(value, str) else value


def _field(item: Any, name: str, words: Mapping[str, str]) -> Any:
    if not isinstance(item, dict) or name not in item:
        return item
    return {**item, name: _word(item[name], words)}


def _each(items: Any, name: str, words: Mapping[str, str]) -> Any:
    return [_field(item, name, words) for item in items] if isinstance(items, list) else items
