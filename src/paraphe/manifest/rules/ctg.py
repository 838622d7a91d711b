"""The territory a CTG is signed for: one of those the département's territories.yaml lists.

Who must sign is data (`paraphe.manifest.policy`, rule `signatories`); whether the territory must
be listed is the département's policy too (`territory_listed`); a territories.yaml beside the
manifests is checked whenever there is one.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from paraphe.diagnostics import Diagnostic
from paraphe.manifest.policy import policy_for
from paraphe.manifest.rules.base import Manifest
from paraphe.manifest.territories import find_territories_file, load_territories
from paraphe.paths import display_path


def ctg_territory(manifest: Manifest) -> Iterator[Diagnostic]:
    """A CTG's territory is one of the communautés de communes the shared territories.yaml lists."""
    if manifest.data["kind"] != "ctg":
        return
    territory = manifest.data["territory"]["name"]
    path = find_territories_file(manifest.path)
    if path is None and not policy_for(manifest.path)[0].of("ctg").territory_listed:
        return
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
