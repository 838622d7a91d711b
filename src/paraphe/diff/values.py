"""Model values as the text a change shows, and what the generic comparison needs to know of records.

A record is a frozen dataclass of the model; one named by an id or a key (an organisation,
a signatory, a marker) is a *reference* when met inside another record, shown by that name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import fields, is_dataclass

from paraphe.manifest.model import Organisation, Party
from paraphe.render.parties import party_text


def as_text(value: object) -> str | None:
    """A scalar as the manifest would write it (booleans in YAML's words)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def human(value: object) -> str | None:
    """Any model value as text: dates in ISO form, organisations by key, records field by field."""
    if value is None or isinstance(value, str | bool | int | float):
        return as_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if is_reference(value):
        return str(getattr(value, "id", None) or getattr(value, "key", ""))
    if isinstance(value, tuple | list):
        return "; ".join(filter(None, (human(x) for x in value)))
    if is_dataclass(value):
        parts = (human(getattr(value, f.name)) for f in fields(value))
        return ", ".join(p for p in parts if p)
    return str(value)


def describe(value: object) -> str | None:
    """A whole record as text: a party as its paragraph, any other every field (references by their id or key)."""
    if isinstance(value, Party):
        return party_text(value).rstrip(",").replace("\u00a0", " ").replace("\u202f", " ")
    if not is_record(value):
        return human(value)
    parts = (human(getattr(value, f.name)) for f in fields(value))  # type: ignore[arg-type]
    return ", ".join(p for p in parts if p)


def is_record(value: object) -> bool:
    return is_dataclass(value) and not isinstance(value, type)


def is_reference(value: object) -> bool:
    """A record named by an id or a key (an organisation, a signatory, a marker) met inside another."""
    return is_record(value) and any(f.name in ("id", "key") for f in fields(value))  # type: ignore[arg-type]


def record_key(value: object) -> Hashable | None:
    for name in ("id", "key"):
        key = getattr(value, name, None)
        if isinstance(key, str):
            return (name, key)
    organisation = getattr(value, "organisation", None)
    if isinstance(organisation, Organisation):
        return ("organisation", organisation.key)
    return None


def record_title(value: object) -> str:
    title = getattr(value, "title", None)
    return title if isinstance(title, str) else ""


def record_name(value: object) -> str:
    """How a path names a record: its title, key, id, organisation or label."""
    for name in ("title", "key", "id", "label", "name"):
        text = getattr(value, name, None)
        if isinstance(text, str) and text:
            return text
    organisation = getattr(value, "organisation", None)
    return organisation.label if isinstance(organisation, Organisation) else ""


def record_step(value: object, index: int) -> str | int:
    """The pointer step to a record: its key in a map (organisations, markers), else its index."""
    key = getattr(value, "key", None)
    return key if isinstance(key, str) else index
