"""The convention as frozen dataclasses: the only thing later stages see.

Numbers (« Axe 1 », « A », « Action 2 ») are derived from positions in the tree
by `modelling`, never typed by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from paraphe.diagnostics import Diagnostic, Location
from paraphe.french import with_article


@dataclass(frozen=True)
class Organisation:
    key: str
    label: str
    name: str
    is_acronym: bool
    type: str = "autre"  # caf, departement, etat, epci, msa, commune, autre (declared or inferred)


@dataclass(frozen=True)
class Marker:
    key: str
    symbol: str
    label: str


@dataclass(frozen=True)
class Level:
    name: str
    numbering: str


@dataclass(frozen=True)
class Period:
    start: int
    end: int


@dataclass(frozen=True)
class Calendar:
    first: int
    last: int

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


@dataclass(frozen=True)
class Actor:
    organisation: Organisation | None
    detail: str | None
    text: str | None

    @property
    def label(self) -> str:
        if self.organisation is None:
            return self.text or ""
        if self.detail:
            return f"{self.organisation.label} ({self.detail})"
        return self.organisation.label


@dataclass(frozen=True)
class Action:
    id: str
    number: str
    label: str
    title: str
    details: tuple[str, ...]
    results: tuple[str, ...]
    calendar: Calendar | None
    actors: tuple[Actor, ...]
    note: str | None
    markers: tuple[Marker, ...] = ()


@dataclass(frozen=True)
class Orientation:
    heading: str | None
    items: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    id: str | None
    depth: int
    number: str
    label: str
    title: str
    part: str | None
    context_sources: str | None
    context: tuple[str, ...]
    orientations_title: str | None
    orientations: tuple[Orientation, ...]
    sections: tuple[Section, ...]
    actions: tuple[Action, ...]
    text: tuple[str, ...] = ()
    diagnostic: tuple[str, ...] = ()
    legend: tuple[Marker, ...] = ()

    def all_actions(self) -> tuple[Action, ...]:
        nested = tuple(a for s in self.sections for a in s.all_actions())
        return self.actions + nested


@dataclass(frozen=True)
class Part:
    id: str
    title: str
    subtitle: str | None
    text: tuple[str, ...]


@dataclass(frozen=True)
class FigureItem:
    label: str
    value: float | int | None
    unit: str | None


@dataclass(frozen=True)
class FigureBlock:
    id: str | None
    title: str
    source: str | None
    items: tuple[FigureItem, ...]
    note: str | None
    chart: bool = True


@dataclass(frozen=True)
class Identity:
    title: str
    figures: tuple[FigureBlock, ...]


@dataclass(frozen=True)
class Signatory:
    id: str
    organisation: Organisation
    civility: str | None
    role: str
    name: str
    delegation: str | None = None

    @property
    def title(self) -> str:
        """« Madame la Préfète », « Monsieur l'Inspecteur »; the role alone when the civility is not known yet."""
        if self.civility is None:
            return self.role
        return f"{self.civility} {with_article(self.role, feminine=self.civility == 'Madame')}"


@dataclass(frozen=True)
class Deliberation:
    body: str  # with its article: « le conseil communautaire »
    date: dt.date


@dataclass(frozen=True)
class Party:
    """A body that concludes a CTG, « représentée par » its signatories."""

    organisation: Organisation
    name: str  # with its article: « la Caisse commune de sécurité sociale de la Lozère »
    feminine: bool
    called: str | None
    side: int | None
    representatives: tuple[Signatory, ...]
    deliberation: Deliberation | None
    commitments: tuple[str, ...]


@dataclass(frozen=True)
class Stake:
    title: str
    means: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    title: str
    date: dt.date | None
    stakes: tuple[Stake, ...]
    transversal: tuple[str, ...]


@dataclass(frozen=True)
class Annex:
    title: str
    file: Path | None
    generated: str | None
    location: Location


@dataclass(frozen=True)
class Convention:
    id: str
    kind: str
    status: str
    title: str
    subtitle: str | None
    territory_name: str
    territory_label: str
    period: Period
    organisations: tuple[Organisation, ...]
    glossary: tuple[tuple[str, str], ...]
    preamble: tuple[str, ...]
    identity: Identity | None
    levels: tuple[Level, ...]
    parts: tuple[Part, ...]
    sections: tuple[Section, ...]
    signatories: tuple[Signatory, ...]
    signature_place: str
    signature_date: dt.date | None
    annexes: tuple[Annex, ...]
    source: Path
    source_digest: str = ""  # SHA-256 of the manifest bytes this model was parsed from
    territory_example: str | None = None
    duration: int = 0  # years; the period's length unless the manifest says otherwise
    parties: tuple[Party, ...] = ()
    visas: tuple[str, ...] = ()
    diagnostic: tuple[str, ...] = ()
    steering: tuple[str, ...] = ()
    court: str | None = None
    plan: Plan | None = None
    markers: tuple[Marker, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()  # what validation found that does not stop a build
    id_location: Location | None = None  # where the manifest says its id: two manifests of one run may clash

    @property
    def is_final(self) -> bool:
        return self.status == "final"

    def all_actions(self) -> tuple[Action, ...]:
        return tuple(a for s in self.sections for a in s.all_actions())

    def part(self, part_id: str) -> Part:
        return next(p for p in self.parts if p.id == part_id)
