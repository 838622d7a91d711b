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
    type: str = "autre"  # one of organisations.ORGANISATION_TYPES, declared or inferred


@dataclass(frozen=True)
class Marker:
    key: str
    symbol: str
    label: str


@dataclass(frozen=True)
class Level:
    name: str
    numbering: str
    plural: str | None = None  # « Objectifs opérationnels »; derived from the name when not given


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
    text: str | None = None  # as the document writes it: « 1,2 million d'habitants », « près de 30 % »


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
    designation: str | None = None  # « le Président de son Conseil d'administration », for role-first parties
    certificate: str | None = None  # SHA-256 of the one certificate that signs for this person (lowercase hex)
    email: str | None = None  # an address the signing certificate must carry

    @property
    def title(self) -> str:
        """« Madame la Préfète », « Monsieur l'Inspecteur »; the role alone when the civility is not known yet."""
        if self.civility is None:
            return self.role
        return f"{self.civility} {with_article(self.role, feminine=self.civility == 'Madame')}"


@dataclass(frozen=True)
class Deliberation:
    body: str  # with its article: « le conseil communautaire », « les conseils municipaux »
    date: dt.date | None  # None: not written (« par délibération du Conseil communautaire »)
    pending: str | None = None  # a draft's placeholder in place of the date (« [à compléter] »)

    @property
    def plural(self) -> bool:
        """« par délibérations des assemblées délibérantes »."""
        return self.body.casefold().startswith("les ")


@dataclass(frozen=True)
class Authority:
    """« dûment autorisé(e) à signer la présente convention », « dûment habilitée par délibération … »."""

    word: str = "autorisé"  # autorisé, habilité, désigné
    agrees: str = "representatives"  # or "party"
    purpose: str | None = None  # « à signer la présente convention »
    purpose_last: bool = False  # after the deliberation rather than before it


@dataclass(frozen=True)
class Party:
    """A body that concludes a convention, « représentée par » its signatories."""

    organisation: Organisation
    name: str  # with its article: « la Caisse commune de sécurité sociale de la Lozère »
    feminine: bool
    called: str | None  # as the document quotes it, with or without its article
    side: int | None
    representatives: tuple[Signatory, ...]
    deliberation: Deliberation | None
    commitments: tuple[str, ...]
    members: tuple[Organisation, ...] = ()  # every organisation of a plural party (« les communes de A, B et C »)
    seat: str | None = None  # « dont le siège est situé … »
    represented_by: str | None = None  # « leurs maires respectifs », instead of the representatives' names
    authority: Authority | None = None  # None: « dûment autorisé(e) », written only with a deliberation

    @property
    def plural(self) -> bool:
        return len(self.members) > 1


@dataclass(frozen=True)
class Opening:
    """How the convention introduces its parties and visas, as the document writes it."""

    layout: str = "between"  # « Entre … Et … », or "list": « Entre : » and one party a paragraph, each ending « ; »
    heading: str | None = None  # default: « Entre les soussignés », or the title in capitals for a list
    representatives: str = "name-first"  # « Madame X, Directrice », or "role-first": « sa Directrice, Madame X »
    civility: str = "full"  # « Madame », or "short": « Mme »
    visas: str = "after-parties"  # or "before-parties", "after-agreed"
    agreed: str = "Il est convenu ce qui suit :"


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
    opening: Opening = Opening()
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
