"""What kind of organisation a manifest names: declared, or inferred from its acronym or name.

Signatory requirements (who must sign a kind of convention, `policy`) and the templates (how
parties are introduced) need to know which organisation is the CAF, the Département, the State,
the intercommunality, a commune… A body's `type` is what it is: every kind of body real
conventions are signed by has its own, so none has to be given a false one.
"""

from __future__ import annotations

from typing import Any

from paraphe.manifest.territories import fold

# Every type an organisation may have, declared or inferred (the schema's orgType lists the same).
ORGANISATION_TYPES = (
    "caf",  # Caisse d'allocations familiales, or the CCSS / CGSS that stands for it
    "msa",  # Mutualité sociale agricole
    "carsat",  # Caisse d'assurance retraite et de la santé au travail
    "cpam",  # Caisse primaire d'assurance maladie
    "etat",  # préfecture, DDCSPP, DDETS, Éducation nationale…
    "region",
    "departement",
    "epci",  # communauté de communes, d'agglomération, urbaine, métropole
    "syndicat",  # SIVOM, SIVU, syndicat mixte
    "commune",
    "association",  # UDAF, fédération de centres sociaux…
    "autre",
)


def organisation_type(key: str, value: Any) -> str:
    """The declared nature of an organisation, else the one its acronym or name says."""
    if isinstance(value, dict) and "type" in value:
        return str(value["type"])
    name = value if isinstance(value, str) else value.get("name", value["label"])
    label = key if isinstance(value, str) else value["label"]
    folded_key, texts = fold(key), (fold(name), fold(label))
    for kind, keys, starts, contains in _ORG_TYPES:
        if folded_key in keys or folded_key.split(" ")[0] in keys:
            return kind
        if any(t.startswith(starts) for t in texts) or any(c in t for t in texts for c in contains):
            return kind
    return "autre"


# (type, acronyms, name starts, name contains): the first that matches wins.
_ORG_TYPES: tuple[tuple[str, set[str], tuple[str, ...], tuple[str, ...]], ...] = (
    ("caf", {"ccss", "caf", "cgss"}, ("caisse commune de securite sociale",), ("allocations familiales",)),
    ("msa", {"msa", "crmsa", "crmsab"}, (), ("mutualite sociale agricole",)),
    ("carsat", {"carsat", "cram"}, (), ("assurance retraite",)),
    ("cpam", {"cpam"}, (), ("caisse primaire d'assurance maladie",)),
    ("departement", {"departement", "cd", "conseil departemental"}, ("conseil departemental", "departement"), ()),
    ("region", {"region", "conseil regional"}, ("conseil regional", "region "), ()),
    (
        "etat",
        {"etat", "prefecture", "prefet", "prefete", "ddcspp", "ddcs", "ddets", "ddetspp"},
        ("etat", "l'etat", "prefecture", "direction departementale"),
        ("prefecture",),
    ),
    (
        "epci",
        {"cc", "ca", "cu", "epci", "cabb"},
        ("communaute de communes", "communaute d'agglomeration", "communaute urbaine", "metropole"),
        (),
    ),
    ("syndicat", {"sivom", "sivu", "sivos", "syndicat"}, ("syndicat", "sivom", "sivu", "sivos"), ()),
    ("commune", {"commune", "mairie", "ville"}, ("commune ", "ville ", "mairie "), ()),
    ("association", {"udaf", "association"}, ("association", "union departementale des associations familiales"), ()),
)
