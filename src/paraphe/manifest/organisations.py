"""What kind of organisation a manifest names: declared, or inferred from its acronym or name.

The CTG's rules (who must sign) and its template (how parties are introduced) both need to know
which organisation is the CAF, the Département, the State or the communauté de communes.
"""

from __future__ import annotations

from typing import Any

from paraphe.manifest.territories import fold


def organisation_type(key: str, value: Any) -> str:
    """The declared nature of an organisation, else the one its acronym or name says."""
    if isinstance(value, dict) and "type" in value:
        return str(value["type"])
    name = value if isinstance(value, str) else value.get("name", value["label"])
    folded = fold(f"{key} | {name}")
    for kind, keys, starts in _ORG_TYPES:
        if fold(key) in keys or any(fold(name).startswith(s) for s in starts):
            return kind
    if "prefecture" in folded or "direction departementale" in folded:
        return "etat"
    return "autre"


_ORG_TYPES = (
    ("caf", {"ccss", "caf", "cgss"}, ("caisse d'allocations familiales", "caisse commune de securite sociale")),
    ("departement", {"departement", "cd", "conseil departemental"}, ("conseil departemental", "departement")),
    (
        "etat",
        {"etat", "prefecture", "prefet", "prefete", "ddcspp", "ddcs", "ddets", "ddetspp"},
        ("etat", "l'etat", "prefecture", "direction departementale"),
    ),
    ("msa", {"msa"}, ("mutualite sociale agricole",)),
    ("epci", {"cc", "epci"}, ("communaute de communes", "communaute d'agglomeration")),
    ("commune", {"commune", "mairie", "ville"}, ("commune ", "ville ", "mairie ")),
)
