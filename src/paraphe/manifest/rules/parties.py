"""A convention's parties (« Entre … Et … »): declared, represented by its signatories, in two sides.

A CTG always names its parties; an SDSF that opens like a convention (« Entre l'État … ») may too.
A party is one organisation, or several for a plural party (« Les communes de A, B et C »).
"""

from __future__ import annotations

from collections.abc import Iterator

from paraphe.diagnostics import Diagnostic
from paraphe.i18n import _
from paraphe.manifest.rules.base import Manifest, Node


def _parties(manifest: Manifest) -> list[Node]:
    parties: list[Node] = manifest.data.get("parties", [])
    return parties


def party_orgs(party: Node) -> list[str]:
    """The organisation keys of a party: one, or several for a plural party."""
    org = party["org"]
    return [org] if isinstance(org, str) else list(org)


def parties_named(manifest: Manifest) -> Iterator[Diagnostic]:
    if manifest.data["kind"] == "ctg" and not manifest.data.get("parties"):
        yield manifest.at(("kind",), _("a ctg names its parties under 'parties' (« Entre … Et … »)"), "ctg.parties")


def party_organisations(manifest: Manifest) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    for i, party in enumerate(_parties(manifest)):
        plural = not isinstance(party["org"], str)
        for k, org in enumerate(party_orgs(party)):
            pointer = ("parties", i, "org", k) if plural else ("parties", i, "org")
            if org not in manifest.organisations:
                yield manifest.at(
                    pointer, _("party {org!r} is not declared under 'organisations'", org=org), "ref.organisation"
                )
            elif org in seen:
                yield manifest.at(pointer, _("{org!r} is already a party", org=org), "id.unique")
            seen.add(org)


def _representatives(manifest: Manifest, party: Node) -> list[str]:
    """The party's signatories as listed, else every signatory of its organisation."""
    ids = party.get("signatories")
    if ids is None:
        orgs = party_orgs(party)
        return [s["id"] for s in manifest.signatories if s["org"] in orgs]
    return list(ids)


def _declared(manifest: Manifest) -> Iterator[tuple[int, Node]]:
    """Parties whose organisation is declared: the others are reported as such, once."""
    for i, party in enumerate(_parties(manifest)):
        if all(org in manifest.organisations for org in party_orgs(party)):
            yield i, party


def party_representatives(manifest: Manifest) -> Iterator[Diagnostic]:
    signatories = {s["id"] for s in manifest.signatories}
    represented: set[str] = set()
    for i, party in _declared(manifest):
        if "signatories" not in party and not _representatives(manifest, party):
            yield manifest.at(
                ("parties", i),
                _("no signatory represents the party {party!r}", party=" + ".join(party_orgs(party))),
                "party.unrepresented",
            )
        for k, sid in enumerate(party.get("signatories", [])):
            if sid not in signatories:
                yield manifest.at(
                    ("parties", i, "signatories", k), _("no signatory has the id {id!r}", id=sid), "ref.signatory"
                )
            elif sid in represented:
                yield manifest.at(
                    ("parties", i, "signatories", k), _("{id!r} already represents a party", id=sid), "id.unique"
                )
        represented.update(_representatives(manifest, party))


def party_sides(manifest: Manifest) -> Iterator[Diagnostic]:
    parties = _parties(manifest)
    sides = [("side" in p) for p in parties]
    if any(sides) and not all(sides):
        i = sides.index(False)
        yield manifest.at(("parties", i), _("either every party has a 'side' (1 or 2) or none has"), "party.side")
    elif parties and all(sides):
        order = [p["side"] for p in parties]
        if order != sorted(order) or set(order) != {1, 2}:
            i = next((j for j in range(1, len(order)) if order[j] < order[j - 1]), 0)
            yield manifest.at(
                ("parties", i, "side"),
                _(
                    "parties of side 1 (« D'une part ») come first, then those of side 2 (« D'autre part »), "
                    "and both sides have one"
                ),
                "party.side",
            )


def signatories_represent_parties(manifest: Manifest) -> Iterator[Diagnostic]:
    if not _parties(manifest):
        return
    represented = {sid for _, party in _declared(manifest) for sid in _representatives(manifest, party)}
    for i, signatory in enumerate(manifest.signatories):
        if signatory["id"] not in represented:
            yield manifest.at(
                ("signatories", i, "org"),
                _(
                    "signatory {id!r} represents no party; add {org!r} under 'parties' "
                    "or list the signatory in a party's 'signatories'",
                    id=signatory["id"],
                    org=signatory["org"],
                ),
                "party.missing",
            )
