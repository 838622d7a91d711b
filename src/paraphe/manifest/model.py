"""The convention as frozen dataclasses: the only thing later stages see.

Numbers (« Axe 1 », « A », « Action 2 ») are derived from positions in the tree
by `modelling`, never typed by hand.

Longer than our 350-line mark on purpose: it is the vocabulary every later stage imports, and
one file of frozen dataclasses, in the document's order, is easier to read than several.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from paraphe.diagnostics import Diagnostic, Location
from paraphe.french import with_article
from paraphe.placeholders import TO_COMPLETE


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
    prefix: str | None = None  # « {number}- », « {name} {number} – »: how the document writes a heading's number

    def heading_prefix(self, number: str) -> str:
        """« 1- », « Orientation 2 – », « Axe 1 : »; empty for an item without a number."""
        if not number:
            return ""
        default = "{number} :" if self.numbering in ("upper-alpha", "lower-alpha") else "{name} {number} :"
        return (self.prefix or default).replace("{number}", number).replace("{name}", self.name)


@dataclass(frozen=True)
class Period:
    start: int
    end: int | None  # None: a draft's period whose end is not settled yet (« [à compléter] »)

    @property
    def end_text(self) -> str:
        return str(self.end) if self.end is not None else TO_COMPLETE

    @property
    def years(self) -> int | None:
        """How many years the period covers, when its end is known."""
        return self.end - self.start + 1 if self.end is not None else None

    def __str__(self) -> str:
        return f"{self.start}-{self.end_text}"


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
    prefix: str = ""  # the level's own prefix when the manifest gives one (« 1- »); empty: « label : title »

    def all_actions(self) -> tuple[Action, ...]:
        nested = tuple(a for s in self.sections for a in s.all_actions())
        return self.actions + nested


@dataclass(frozen=True)
class Table:
    title: str | None
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    source: str | None


@dataclass(frozen=True)
class Block:
    """One piece of a chapter's content: a paragraph, a bulleted list, a simple table or a block of figures."""

    kind: str  # "text", "list", "table" or "figures"
    text: str = ""
    items: tuple[str, ...] = ()
    table: Table | None = None
    figures: FigureBlock | None = None


@dataclass(frozen=True)
class Part:
    """A chapter of the document: it may group top-level sections, hold text, and have sub-parts."""

    id: str | None
    title: str
    subtitle: str | None
    content: tuple[Block, ...]
    depth: int = 0
    prefix: str = ""  # « I – », « a- »: from 'part_levels'; empty when the part has no number
    parts: tuple[Part, ...] = ()

    @property
    def text(self) -> tuple[str, ...]:
        """The paragraphs alone, for templates that print a part's introduction as paragraphs."""
        return tuple(b.text for b in self.content if b.kind == "text")

    @property
    def heading(self) -> str:
        return f"{self.prefix} {self.title}" if self.prefix else self.title

    def walk(self) -> tuple[Part, ...]:
        """This part and its sub-parts, in reading order."""
        return (self, *(p for sub in self.parts for p in sub.walk()))


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
    structure: str | None = None  # the overview's title as the document writes it

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
class Paragraph:
    """One block of an article's wording: a paragraph, or a bulleted list (`items`)."""

    text: str | None
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    """An article of the convention, numbered as the document prints it.

    A template article (`from_template`) keeps the template's wording unless the manifest rewords
    it (`paragraphs` not empty); what paraphe generates for it from other fields (the fields of
    intervention, the diagnostic, the commitments, the steering) follows its wording either way.
    A new article has only the manifest's paragraphs.
    """

    key: str  # stable: « duration », « financement »; an avenant names the article it changes by it
    number: str  # as printed: « 7 », « 1er », « VII »
    title: str  # « Durée »
    heading: str  # the whole printed heading: « Article 7 – Durée »
    paragraphs: tuple[Paragraph, ...] = ()
    from_template: bool = True
    index: int | None = None  # its place in the manifest's `articles` list; None: the template's, unlisted

    @property
    def template_wording(self) -> bool:
        """The template's own paragraphs are printed (a template article the manifest does not reword)."""
        return self.from_template and not self.paragraphs


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
    pending: str | None = None  # a draft's placeholder in place of the date (« [à compléter] »)
    structure: str | None = None  # the overview's title as the document writes it


@dataclass(frozen=True)
class Annex:
    title: str
    file: Path | None
    generated: str | None
    location: Location


@dataclass(frozen=True)
class AmendmentParagraph:
    """One paragraph of an avenant's article."""

    text: str
    style: str = "text"  # "text"; "item", a line of a list; "quoted", the convention's new wording, in « »


@dataclass(frozen=True)
class AmendmentArticle:
    """An article of an avenant: what it covers (the keys of the changes it writes), its title, its text."""

    title: str
    paragraphs: tuple[AmendmentParagraph, ...]
    covers: tuple[str, ...] = ()


@dataclass(frozen=True)
class AmendedState:
    """A state of the convention an avenant cites: the original as signed, or as amended by an earlier avenant."""

    convention: str  # its id
    title: str  # « Convention territoriale globale des services aux familles »
    kind: str
    territory_label: str
    period: Period
    signed_on: dt.date | None
    manifest: str  # SHA-256 of the manifest of that state
    fingerprint: str = ""  # of the signed original's build, when the avenant names that PDF


@dataclass(frozen=True)
class EarlierAvenant:
    number: int
    signed_on: dt.date | None
    manifest: str  # SHA-256 of its manifest


@dataclass(frozen=True)
class Amendment:
    """What makes a Convention of kind `avenant` one: the convention amended, the chain, the articles."""

    number: int
    original: AmendedState  # the convention as first signed
    amends: str  # SHA-256 of the manifest of the state this avenant amends (the original, or as amended by n° − 1)
    result: str  # SHA-256 of the convention's new manifest, the state after this avenant
    earlier: tuple[EarlierAvenant, ...]
    effective: dt.date | None  # None: on the day the last party signs
    articles: tuple[AmendmentArticle, ...]
    # Every file read to write it, by SHA-256 of the bytes read: the states' manifests, the earlier
    # avenants', the signed original. A rebuild follows them; a manifest read from git is not listed.
    reads: tuple[tuple[Path, str], ...] = ()


# The manifest's `signature.date` asking for « à la date de la dernière signature électronique ».
DATED_BY_LAST_SIGNATURE = "électronique"


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
    duration: int = 0  # years; the period's length unless the manifest says otherwise; 0: not known yet
    parties: tuple[Party, ...] = ()
    opening: Opening = Opening()
    visas: tuple[str, ...] = ()
    diagnostic: tuple[str, ...] = ()
    steering: tuple[str, ...] = ()
    court: str | None = None
    plan: Plan | None = None
    markers: tuple[Marker, ...] = ()
    articles: tuple[Article, ...] = ()  # a CTG's articles in the document's order, numbered
    preamble_title: str = "Préambule"
    contents_title: str | None = None  # « Sommaire »: a printed table of contents; None: none
    contents_depth: int = 2
    warnings: tuple[Diagnostic, ...] = ()  # what validation found that does not stop a build
    id_location: Location | None = None  # where the manifest says its id: two manifests of one run may clash
    amendment: Amendment | None = None  # an avenant's own: what it amends and its articles
    # A reading copy's mark (« Version consolidée intégrant l'avenant n° 1 du … »): printed on every page;
    # no signature field, not to be signed. None for a document to sign.
    reading_copy: str | None = None
    # Other files this model was made from, with the SHA-256 of the bytes read (a consolidated copy:
    # the avenant's original, earlier and amended conventions): a change to any rebuilds it.
    reads: tuple[tuple[Path, str], ...] = ()
    # « Fait à Mende, à la date de la dernière signature électronique »: the document states no day of
    # its own (signature_date is then None); the last signature dates it.
    dated_by_last_signature: bool = False

    @property
    def is_final(self) -> bool:
        return self.status == "final"

    def all_actions(self) -> tuple[Action, ...]:
        return tuple(a for s in self.sections for a in s.all_actions())

    def article(self, key: str) -> Article | None:
        """The article of that key, or None when the convention has none (omitted, or not a CTG)."""
        return next((a for a in self.articles if a.key == key), None)

    def part(self, part_id: str) -> Part:
        return next(p for top in self.parts for p in top.walk() if p.id == part_id)
