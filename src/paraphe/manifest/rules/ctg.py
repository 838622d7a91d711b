"""What a CTG is signed by, and the communauté de communes it is signed with.

The signatories a kind requires are code here, one rule alone, so that they can become data
(a kind's requirements declared beside its template) without touching anything else.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from paraphe.diagnostics import Diagnostic
from paraphe.manifest.organisations import organisation_type
from paraphe.manifest.rules.base import Manifest
from paraphe.manifest.territories import find_territories_file, fold, load_territories
from paraphe.paths import display_path

# A CTG is tripartite: these sign it, with its communauté de communes.
_REQUIRED_SIGNATORIES = (
    ("caf", "the CAF or the CCSS"),
    ("departement", "the Département"),
    ("etat", "the State (préfecture, DDCSPP)"),
)


def ctg_signatories(manifest: Manifest) -> Iterator[Diagnostic]:
    if manifest.data["kind"] != "ctg":
        return
    organisations = manifest.organisations

    def kind_of(key: str) -> str | None:
        return organisation_type(key, organisations[key]) if key in organisations else None

    signed_by = {kind_of(s["org"]) for s in manifest.signatories}
    for kind, who in _REQUIRED_SIGNATORIES:
        if kind not in signed_by:
            yield manifest.at(
                ("signatories",),
                f"a CTG is signed by {who}: no signatory represents an organisation of type {kind!r}",
                "ctg.signatories",
                key=True,
            )
    territory = manifest.data["territory"]["name"]
    if not any(
        kind_of(s["org"]) == "epci" and _names(organisations[s["org"]], s["org"], territory)
        for s in manifest.signatories
    ):
        yield manifest.at(
            ("signatories",),
            f"a CTG is signed by its communauté de communes: no signatory represents « {territory} » "
            "(an organisation of type 'epci' whose name contains the territory's)",
            "ctg.signatories",
            key=True,
        )


def _names(value: Any, key: str, territory: str) -> bool:
    name = value if isinstance(value, str) else value.get("name", value["label"])
    label = key if isinstance(value, str) else value["label"]
    return fold(territory) in fold(name) or fold(territory) in fold(label)


def ctg_territory(manifest: Manifest) -> Iterator[Diagnostic]:
    """A CTG's territory is one of the communautés de communes the shared territories.yaml lists."""
    if manifest.data["kind"] != "ctg":
        return
    territory = manifest.data["territory"]["name"]
    path = find_territories_file(manifest.path)
    if path is None:
        yield manifest.at(
            ("territory", "name"),
            "no territories.yaml in the manifest's folder or above lists the département's communautés de communes",
            "ctg.territory",
        )
        return
    listed, problems = load_territories(path)
    yield from problems
    if listed is None or listed.find(territory) is not None:
        return
    close = difflib.get_close_matches(territory, listed.names, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    yield manifest.at(
        ("territory", "name"),
        f"{territory!r} is not one of the {len(listed.names)} communautés de communes of {listed.departement} "
        f"listed in {display_path(path)}{hint}",
        "ctg.territory",
    )
