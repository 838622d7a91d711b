"""The convention as frozen dataclasses: the only thing later stages see.

Numbers (« Axe 1 », « A », « Action 2 ») are derived here from positions in
the tree, never typed by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paraphe.diagnostics import Location
from paraphe.manifest.load import LoadedManifest


@dataclass(frozen=True)
class Organisation:
    key: str
    label: str
    name: str
    is_acronym: bool


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


@dataclass(frozen=True)
class Identity:
    title: str
    figures: tuple[FigureBlock, ...]


@dataclass(frozen=True)
class Signatory:
    id: str
    organisation: Organisation
    civility: str
    role: str
    name: str

    @property
    def title(self) -> str:
        """« Madame la Préfète », « Monsieur l'Inspecteur »."""
        article = "la" if self.civility == "Madame" else "le"
        if self.role[:1].lower() in "aeiouyhâàéèêîïôûœ":
            article = "l'"
            return f"{self.civility} {article}{self.role}"
        return f"{self.civility} {article} {self.role}"


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
    signature_date: dt.date
    annexes: tuple[Annex, ...]
    source: Path

    @property
    def is_final(self) -> bool:
        return self.status == "final"

    def all_actions(self) -> tuple[Action, ...]:
        return tuple(a for s in self.sections for a in s.all_actions())

    def part(self, part_id: str) -> Part:
        return next(p for p in self.parts if p.id == part_id)


_ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def format_number(position: int, numbering: str) -> str:
    """The 1-based `position` in a level's numbering style."""
    if numbering == "none":
        return ""
    if numbering in ("upper-alpha", "lower-alpha"):
        letters = ""
        n = position
        while n:
            n, rest = divmod(n - 1, 26)
            letters = chr(ord("A") + rest) + letters
        return letters if numbering == "upper-alpha" else letters.lower()
    if numbering == "upper-roman":
        out, n = "", position
        for value, symbol in _ROMAN * 4:
            while n >= value:
                out, n = out + symbol, n - value
        return out
    return str(position)


def _label(level: Level, number: str) -> str:
    if not number:
        return level.name
    if level.numbering in ("upper-alpha", "lower-alpha"):
        return number
    return f"{level.name} {number}"


def build_model(loaded: LoadedManifest) -> Convention:
    """Turn a validated manifest into the frozen model."""
    data: dict[str, Any] = loaded.data
    organisations = {key: _organisation(key, value) for key, value in data["organisations"].items()}
    levels = tuple(Level(lv["name"], lv.get("numbering", "arabic")) for lv in data["levels"])
    folder = loaded.path.resolve().parent

    def actor(raw: Any) -> Actor:
        if isinstance(raw, str):
            return Actor(organisations[raw], None, None)
        if "org" in raw:
            return Actor(organisations[raw["org"]], raw["detail"], None)
        return Actor(None, None, raw["text"])

    def action(raw: dict[str, Any], position: int, depth: int) -> Action:
        level = levels[depth]
        number = format_number(position, level.numbering)
        return Action(
            id=raw["id"],
            number=number,
            label=_label(level, number),
            title=raw["title"],
            details=tuple(raw.get("details", ())),
            results=tuple(raw.get("results", ())),
            calendar=_calendar(raw.get("calendar")),
            actors=tuple(actor(a) for a in raw.get("actors", ())),
            note=raw.get("note"),
        )

    def section(raw: dict[str, Any], position: int, depth: int) -> Section:
        level = levels[depth]
        number = format_number(position, level.numbering)
        context = raw.get("context", {})
        orientations = raw.get("orientations", {})
        return Section(
            id=raw.get("id"),
            depth=depth,
            number=number,
            label=_label(level, number),
            title=raw["title"],
            part=raw.get("part"),
            context_sources=context.get("sources"),
            context=tuple(context.get("text", ())),
            orientations_title=orientations.get("title"),
            orientations=tuple(_orientation(o) for o in orientations.get("items", ())),
            sections=tuple(section(s, i, depth + 1) for i, s in enumerate(raw.get("sections", ()), 1)),
            actions=tuple(action(a, i, depth + 1) for i, a in enumerate(raw.get("actions", ()), 1)),
        )

    identity = data.get("identity")
    territory = data["territory"]
    return Convention(
        id=data["id"],
        kind=data["kind"],
        status=data["status"],
        title=data["title"],
        subtitle=data.get("subtitle"),
        territory_name=territory["name"],
        territory_label=territory.get("label", territory["name"]),
        period=Period(data["period"]["start"], data["period"]["end"]),
        organisations=tuple(organisations.values()),
        glossary=tuple(data.get("glossary", {}).items()),
        preamble=tuple(data.get("preamble", ())),
        identity=_identity(identity) if identity else None,
        levels=levels,
        parts=tuple(
            Part(p["id"], p["title"], p.get("subtitle"), tuple(p.get("text", ()))) for p in data.get("parts", ())
        ),
        sections=tuple(section(s, i, 0) for i, s in enumerate(data["sections"], 1)),
        signatories=tuple(
            Signatory(s["id"], organisations[s["org"]], s["civility"], s["role"], s["name"])
            for s in data["signatories"]
        ),
        signature_place=data["signature"]["place"],
        signature_date=dt.date.fromisoformat(data["signature"]["date"]),
        annexes=tuple(
            _annex(a, folder, loaded.source.locate(("annexes", i, "file")))
            for i, a in enumerate(data.get("annexes", ()))
        ),
        source=loaded.path,
    )


def _organisation(key: str, value: Any) -> Organisation:
    if isinstance(value, str):
        return Organisation(key, key, value, True)
    return Organisation(key, value["label"], value.get("name", value["label"]), False)


def _calendar(raw: Any) -> Calendar | None:
    if raw is None:
        return None
    if isinstance(raw, int):
        return Calendar(raw, raw)
    first, last = raw.split("-")
    return Calendar(int(first), int(last))


def _orientation(raw: Any) -> Orientation:
    if isinstance(raw, str):
        return Orientation(None, (raw,))
    return Orientation(raw["heading"], tuple(raw.get("items", ())))


def _identity(raw: dict[str, Any]) -> Identity:
    return Identity(
        title=raw["title"],
        figures=tuple(
            FigureBlock(
                id=f.get("id"),
                title=f["title"],
                source=f.get("source"),
                items=tuple(FigureItem(i["label"], i.get("value"), i.get("unit")) for i in f.get("items", ())),
                note=f.get("note"),
            )
            for f in raw["figures"]
        ),
    )


def _annex(raw: dict[str, Any], folder: Path, location: Location) -> Annex:
    file = (folder / raw["file"]).resolve() if "file" in raw else None
    return Annex(raw["title"], file, raw.get("generated"), location)
