"""The shared list of a département's territories (its communautés de communes).

One file per département, `territories.yaml`, beside its manifests: a CTG's
territory must be one of them. It is data shared by manifests, not a manifest,
so discovery skips it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from paraphe.diagnostics import Diagnostic
from paraphe.errors import ManifestError
from paraphe.i18n import _
from paraphe.manifest.load import load_manifest

TERRITORIES_FILE = "territories.yaml"
_FIELDS = {"departement", "code", "since", "source", "territories"}


@dataclass(frozen=True)
class TerritoryList:
    path: Path
    shown: str
    departement: str
    names: tuple[str, ...]

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
    """The nearest file `name` in the manifest's folder or above, not beyond `conventions/` or the repository."""
    folder = manifest.resolve().parent
    for candidate in (folder, *folder.parents):
        path = candidate / name
        if path.is_file():
            return path
        if candidate.name == "conventions" or (candidate / ".git").exists():
            break
    return None


def load_territories(path: Path) -> tuple[TerritoryList | None, list[Diagnostic]]:
    """The list, or the located problems of the file."""
    try:
        loaded = load_manifest(path)
    except ManifestError as exc:
        return None, list(exc.diagnostics)
    data, source = loaded.data, loaded.source
    problems: list[Diagnostic] = []
    if not isinstance(data, dict):
        return None, [Diagnostic(source.locate(()), _("a territories file is a mapping"), "territories.shape")]
    for key in data:
        if key not in _FIELDS:
            problems.append(
                Diagnostic(
                    source.locate((key,), key=True),
                    _("unknown field {key!r}; expected one of {fields}", key=key, fields=", ".join(sorted(_FIELDS))),
                    "territories.shape",
                )
            )
    departement = data.get("departement")
    if not isinstance(departement, str) or not departement.strip():
        problems.append(Diagnostic(source.locate(()), _("'departement' names the département"), "territories.shape"))
    names = data.get("territories")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
        problems.append(
            Diagnostic(
                source.locate(("territories",)),
                _("'territories' lists the communautés de communes, one name each"),
                "territories.shape",
            )
        )
        return None, problems
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
    return TerritoryList(path, source.file, str(departement), tuple(names)), []
