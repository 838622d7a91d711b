"""The shared list of a département's territories (its communautés de communes).

One file per département, `territories.yaml`, beside its manifests: a CTG's
territory must be one of them. It is data shared by manifests, not a manifest,
so discovery skips it. Its format is a JSON Schema (`data/territories.schema.json`,
published as `schemas/territories.schema.json`), checked with located diagnostics.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paraphe.diagnostics import Diagnostic
from paraphe.errors import ManifestError
from paraphe.i18n import N_, _
from paraphe.manifest.load import load_manifest
from paraphe.manifest.quick_schema import accepted
from paraphe.manifest.source_map import SourceMap
from paraphe.resources import TERRITORIES_SCHEMA_PATH, lookup_folders, trusted_file

if TYPE_CHECKING:
    import jsonschema

TERRITORIES_FILE = "territories.yaml"
_FIELDS = {"departement", "code", "since", "source", "territories"}


@dataclass(frozen=True)
class TerritoryList:
    path: Path
    shown: str
    departement: str
    names: tuple[str, ...]
    code: str | None = None

    def find(self, name: str) -> str | None:
        """The listed spelling of `name`, compared without case, accents or apostrophe style."""
        wanted = fold(name)
        return next((n for n in self.names if fold(n) == wanted), None)


def fold(text: str) -> str:
    text = text.replace("’", "'").replace("œ", "oe").replace("Œ", "OE").replace("\u2011", "-")
    text = unicodedata.normalize("NFD", " ".join(text.split()).casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def find_territories_file(manifest: Path) -> Path | None:
    """The nearest territories.yaml in the manifest's folder or above, not beyond `conventions/` or the repository."""
    return find_shared_file(manifest, TERRITORIES_FILE)


def find_shared_file(manifest: Path, name: str) -> Path | None:
    """The nearest file `name` where a manifest's shared files are looked for (`resources.lookup_folders`),
    if it may be trusted (`resources.trusted_file`)."""
    return next((folder / name for folder in lookup_folders(manifest) if trusted_file(folder / name, folder)), None)


def load_territories(path: Path) -> tuple[TerritoryList | None, list[Diagnostic]]:
    """The list, or the located problems of the file (its JSON Schema first, then names listed twice)."""
    try:
        loaded = load_manifest(path)
    except ManifestError as exc:
        return None, list(exc.diagnostics)
    data, source = loaded.data, loaded.source
    problems = list(_schema_problems(data, source))
    names = data.get("territories") if isinstance(data, dict) else None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return None, problems  # not a list of names: nothing to compare
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        first = seen.setdefault(fold(name), i)
        if first != i:
            problems.append(
                Diagnostic(
                    source.locate(("territories", i)),
                    _(
                        "{name!r} is already listed at line {line}",
                        name=name,
                        line=source.locate(("territories", first)).line,
                    ),
                    "territories.unique",
                )
            )
    if problems:
        return None, problems
    return TerritoryList(path, source.file, str(data["departement"]), tuple(names), data.get("code")), []


@cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema  # when a territories list is read, not when a command starts

    schema = json.loads(TERRITORIES_SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


# What each field holds, said in words when its value does not fit (the schema's descriptions are French).
_EXPECTED = {
    "departement": N_("'departement' names the département (« Cantal »)"),
    "code": N_('\'code\' is the département\'s code in quotes ("15", "2A")'),
    "since": N_("'since' is a date in quotes, YYYY-MM-DD (\"2017-01-01\")"),
    "source": N_("'source' says where the list comes from, as text"),
    "territories": N_("'territories' lists the communautés de communes, one name each"),
}


def _schema_problems(data: Any, source: SourceMap) -> Iterator[Diagnostic]:
    if not isinstance(data, dict):
        yield Diagnostic(source.locate(()), _("a territories file is a mapping"), "territories.shape")
        return
    if accepted(TERRITORIES_SCHEMA_PATH, data, lambda: _validator().iter_errors(data)):
        return
    for error in sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        pointer = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            for key in data:
                if key not in _FIELDS:
                    message = _(
                        "unknown field {key!r}; expected one of {fields}", key=key, fields=", ".join(sorted(_FIELDS))
                    )
                    yield Diagnostic(source.locate((key,), key=True), message, "territories.shape")
        elif error.validator == "required":
            missing = next(f for f in ("departement", "territories") if f not in data)
            yield Diagnostic(source.locate(()), _(_EXPECTED[missing]), "territories.shape")
        else:
            yield Diagnostic(source.locate(pointer), _(_EXPECTED[str(pointer[0])]), "territories.shape")
