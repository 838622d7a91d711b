"""The territory a CTG is signed for: one of those the département's territories.yaml lists.

Who must sign is data (`paraphe.manifest.policy`, rule `signatories`); whether the territory must
be listed is the département's policy too (`territory_listed`); a territories.yaml beside the
manifests is checked whenever there is one.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from paraphe.diagnostics import Diagnostic
from paraphe.i18n import _
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
            _("no territories.yaml in the manifest's folder or above lists the département's communautés de communes"),
            "ctg.territory",
        )
        return
    listed, problems = load_territories(path)
    yield from problems
    if listed is None or listed.find(territory) is not None:
        return
    close = difflib.get_close_matches(territory, listed.names, n=1, cutoff=0.6)
    hint = _("; did you mean {name!r}?", name=close[0]) if close else ""
    yield manifest.at(
        ("territory", "name"),
        _(
            "{territory!r} is not one of the {count} communautés de communes of {departement} listed in {file}",
            territory=territory,
            count=len(listed.names),
            departement=listed.departement,
            file=display_path(path),
        )
        + hint,
        "ctg.territory",
    )
