"""The French words of a change: what each operation and each manifest field is called.

Kept apart from the writers in `format` so that the wording a reviewer reads, pinned to
the letter by the tests, is in one table a translator or a secretariat can review.
"""

from __future__ import annotations

from paraphe.diff.change import Op

OP_NAMES: dict[Op, str] = {
    "added": "Ajout",
    "removed": "Suppression",
    "changed": "Modification",
    "moved": "Déplacement",
    "renamed": "Renommage",
    "reordered": "Nouvel ordre",
}
MARKERS: dict[Op, str] = {"added": "+", "removed": "-", "changed": "~", "moved": ">", "renamed": "~", "reordered": "^"}

FIELD_NAMES = {
    "id": "identifiant",
    "kind": "type",
    "status": "statut",
    "title": "intitulé",
    "subtitle": "sous-titre",
    "territory.name": "territoire",
    "territory.label": "libellé du territoire",
    "period.start": "début",
    "period.end": "fin",
    "key": "sigle",
    "label": "libellé",
    "name": "nom",
    "acronym": "sigle au glossaire",
    "meaning": "signification",
    "preamble": "paragraphe",
    "text": "paragraphe",
    "figures": "blocs de chiffres",
    "items": "valeurs",
    "source": "source",
    "note": "mention",
    "value": "valeur",
    "unit": "unité",
    "numbering": "numérotation",
    "parts": "parties",
    "part": "partie",
    "sections": "sections",
    "actions": "actions",
    "context.sources": "sources",
    "context.text": "paragraphe de contexte",
    "orientations.title": "intitulé des orientations",
    "orientations.items": "orientation",
    "details": "détail",
    "results": "résultat attendu",
    "calendar": "calendrier",
    "actors": "acteurs",
    "signatories": "signataires",
    "org": "organisme",
    "civility": "civilité",
    "role": "qualité",
    "place": "lieu",
    "date": "date",
    "annexes": "annexes",
    "generated": "annexe générée",
    "file": "fichier",
    "content": "contenu du fichier",
    "territory.example": "mention d’exemple",
    "duration": "durée",
    "type": "nature",
    "delegation": "délégation",
    "diagnostic": "paragraphe du diagnostic",
    "legend": "légende",
    "markers": "repère",
    "symbol": "symbole",
    "parties": "partie",
    "gender": "genre",
    "called": "dénomination",
    "side": "côté",
    "deliberation": "délibération",
    "body": "instance",
    "commitments": "engagement",
    "visas": "visa",
    "steering": "paragraphe du pilotage",
    "court": "juridiction",
    "plan": "plan d’actions",
    "stakes": "enjeu",
    "means": "moyen",
    "transversal": "thématique transversale",
}
# What a reordered list is called: « ordre des actions ».
ORDER_NAMES = {
    "preamble": "paragraphes",
    "text": "paragraphes",
    "context.text": "paragraphes de contexte",
    "orientations.items": "orientations",
    "details": "détails",
    "results": "résultats attendus",
}
