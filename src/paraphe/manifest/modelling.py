"""Raw manifest data → the model: numbers derived from positions, references resolved.

Runs only on data validation accepted, so it may rely on the schema's shapes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from paraphe.diagnostics import Location
from paraphe.manifest.articles import resolve_articles
from paraphe.manifest.load import LoadedManifest
from paraphe.manifest.model import (
    DATED_BY_LAST_SIGNATURE,
    Action,
    Actor,
    Annex,
    Authority,
    Block,
    Calendar,
    Convention,
    Deliberation,
    FigureBlock,
    FigureItem,
    Identity,
    Level,
    Marker,
    Opening,
    Organisation,
    Orientation,
    Part,
    Party,
    Period,
    Plan,
    Section,
    Signatory,
    Stake,
    Table,
)
from paraphe.manifest.organisations import organisation_type

_ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def format_number(position: int, numbering: str, parent: str = "") -> str:
    """The 1-based `position` in a level's numbering style; `parent` is the enclosing number, for « nested »."""
    if numbering == "none":
        return ""
    if numbering == "nested":
        return f"{parent}.{position}" if parent else str(position)
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
    levels = tuple(_level(lv) for lv in data["levels"])
    folder = loaded.path.resolve().parent
    markers = {key: Marker(key, m["symbol"], m["label"]) for key, m in data.get("markers", {}).items()}

    def actor(raw: Any) -> Actor:
        if isinstance(raw, str):
            return Actor(organisations[raw], None, None)
        if "org" in raw:
            return Actor(organisations[raw["org"]], raw["detail"], None)
        return Actor(None, None, raw["text"])

    def action(raw: dict[str, Any], position: int, depth: int, parent: str) -> Action:
        level = levels[depth]
        number = format_number(position, level.numbering, parent)
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
            markers=tuple(markers[k] for k in raw.get("markers", ())),
        )

    def section(raw: dict[str, Any], position: int | None, depth: int, parent: str) -> Section:
        level = levels[depth]
        number = "" if position is None else format_number(position, level.numbering, parent)
        context = raw.get("context", {})
        orientations = raw.get("orientations", {})
        # A « nested » child of an unnumbered section starts from the nearest numbered ancestor.
        inherited = number or parent
        return Section(
            id=raw.get("id"),
            depth=depth,
            number=number,
            label=_label(level, number) if position is not None else "",
            title=raw["title"],
            part=raw.get("part"),
            context_sources=context.get("sources"),
            context=tuple(context.get("text", ())),
            orientations_title=orientations.get("title"),
            orientations=tuple(_orientation(o) for o in orientations.get("items", ())),
            sections=_numbered(raw.get("sections", ()), lambda s, i: section(s, i, depth + 1, inherited)),
            actions=tuple(action(a, i, depth + 1, inherited) for i, a in enumerate(raw.get("actions", ()), 1)),
            text=tuple(raw.get("text", ())),
            diagnostic=tuple(raw.get("diagnostic", ())),
            legend=tuple(markers[k] for k in raw.get("legend", ())),
            prefix=level.heading_prefix(number) if level.prefix else "",
        )

    identity = data.get("identity")
    territory = data["territory"]
    end = data["period"]["end"]
    period = Period(data["period"]["start"], end if isinstance(end, int) else None)
    signatories = tuple(
        Signatory(
            s["id"],
            organisations[s["org"]],
            s.get("civility"),
            s["role"],
            s["name"],
            s.get("delegation"),
            s.get("designation"),
            s["certificate"].replace(":", "").lower() if "certificate" in s else None,
            s.get("email"),
        )
        for s in data["signatories"]
    )
    signature = data["signature"]
    return Convention(
        id=data["id"],
        id_location=loaded.source.locate(("id",)),
        kind=data["kind"],
        status=data["status"],
        title=data["title"],
        subtitle=data.get("subtitle"),
        territory_name=territory["name"],
        territory_label=territory.get("label", territory["name"]),
        period=period,
        organisations=tuple(organisations.values()),
        glossary=tuple(data.get("glossary", {}).items()),
        preamble=tuple(data.get("preamble", ())),
        identity=_identity(identity) if identity else None,
        levels=levels,
        parts=_parts(data.get("parts", ()), tuple(_level(lv) for lv in data.get("part_levels", ())), 0, ""),
        sections=_numbered(data["sections"], lambda s, i: section(s, i, 0, "")),
        signatories=signatories,
        signature_place=signature["place"],
        signature_date=_date(signature.get("date")),
        dated_by_last_signature=signature.get("date") == DATED_BY_LAST_SIGNATURE,
        annexes=tuple(
            _annex(a, folder, loaded.source.locate(("annexes", i, "file")))
            for i, a in enumerate(data.get("annexes", ()))
        ),
        source=loaded.path,
        source_digest=loaded.digest,
        territory_example=territory.get("example"),
        duration=data.get("duration", period.years or 0),
        parties=tuple(_party(p, organisations, signatories) for p in data.get("parties", ())),
        opening=Opening(**data.get("opening", {})),
        visas=tuple(data.get("visas", ())),
        diagnostic=tuple(data.get("diagnostic", ())),
        steering=tuple(data.get("steering", ())),
        court=data.get("court"),
        plan=_plan(data["plan"]) if "plan" in data else None,
        markers=tuple(markers.values()),
        articles=resolve_articles(data),
        preamble_title=data.get("preamble_title", "Préambule"),
        contents_title=data["contents"].get("title", "Sommaire") if "contents" in data else None,
        contents_depth=data.get("contents", {}).get("depth", 2),
    )


def _level(raw: dict[str, Any]) -> Level:
    return Level(raw["name"], raw.get("numbering", "arabic"), raw.get("plural"), raw.get("prefix"))


def _parts(raws: Any, levels: tuple[Level, ...], depth: int, parent: str) -> tuple[Part, ...]:
    """Parts and their sub-parts, numbered by 'part_levels' (« I – », « a- »); unnumbered past its end."""
    level = levels[depth] if depth < len(levels) else None
    out, position = [], 0
    for raw in raws:
        number = ""
        if level is not None and raw.get("numbered", True):
            position += 1
            number = format_number(position, level.numbering, parent)
        out.append(
            Part(
                id=raw.get("id"),
                title=raw["title"],
                subtitle=raw.get("subtitle"),
                content=tuple(_block(b) for b in raw.get("text", ())),
                depth=depth,
                prefix=level.heading_prefix(number) if level is not None else "",
                parts=_parts(raw.get("parts", ()), levels, depth + 1, number or parent),
            )
        )
    return tuple(out)


def _block(raw: Any) -> Block:
    if isinstance(raw, str):
        return Block("text", text=raw)
    if "list" in raw:
        return Block("list", items=tuple(raw["list"]))
    if "table" in raw:
        table = raw["table"]
        return Block(
            "table",
            table=Table(
                table.get("title"),
                tuple(table["columns"]),
                tuple(tuple(row) for row in table["rows"]),
                table.get("source"),
            ),
        )
    return Block("figures", figures=_figure_block(raw["figures"]))


def _numbered(raws: Any, make: Any) -> tuple[Section, ...]:
    """Sections in order; those with « numbered: false » get no number and do not count."""
    out, position = [], 0
    for raw in raws:
        if raw.get("numbered", True):
            position += 1
            out.append(make(raw, position))
        else:
            out.append(make(raw, None))
    return tuple(out)


def _party(raw: dict[str, Any], organisations: dict[str, Organisation], signatories: tuple[Signatory, ...]) -> Party:
    keys = [raw["org"]] if isinstance(raw["org"], str) else list(raw["org"])
    members = tuple(organisations[k] for k in keys)
    if "signatories" in raw:
        by_id = {s.id: s for s in signatories}
        representatives = tuple(by_id[i] for i in raw["signatories"])
    else:
        representatives = tuple(s for s in signatories if s.organisation.key in keys)
    authority = raw.get("authority")
    return Party(
        organisation=members[0],
        name=raw.get("name", members[0].name),
        feminine=raw["gender"] == "feminine",
        called=raw.get("called"),
        side=raw.get("side"),
        representatives=representatives,
        deliberation=_deliberation(raw["deliberation"]) if "deliberation" in raw else None,
        commitments=tuple(raw.get("commitments", ())),
        members=members,
        seat=raw.get("seat"),
        represented_by=raw.get("represented_by"),
        authority=Authority(**authority) if authority is not None else None,
    )


def _deliberation(raw: dict[str, Any]) -> Deliberation:
    date = raw.get("date")
    if date is None:
        return Deliberation(raw["body"], None)
    if date.startswith("["):  # the schema allows only a placeholder here besides a date
        return Deliberation(raw["body"], None, date)
    return Deliberation(raw["body"], dt.date.fromisoformat(date))


def _date(raw: str | None) -> dt.date | None:
    """A date of the calendar; None when absent, a draft's placeholder or the last signature's date
    (the schema allows no other text)."""
    if raw is None or raw.startswith("[") or raw == DATED_BY_LAST_SIGNATURE:
        return None
    return dt.date.fromisoformat(raw)


def _plan(raw: dict[str, Any]) -> Plan:
    date = raw.get("date")
    return Plan(
        title=raw.get("title", "Plan d'actions"),
        date=_date(date),
        pending=date if date is not None and date.startswith("[") else None,
        stakes=tuple(Stake(s["title"], tuple(s.get("means", ()))) for s in raw.get("stakes", ())),
        transversal=tuple(raw.get("transversal", ())),
        structure=raw.get("structure"),
    )


def _organisation(key: str, value: Any) -> Organisation:
    if isinstance(value, str):
        return Organisation(key, key, value, True, organisation_type(key, value))
    return Organisation(key, value["label"], value.get("name", value["label"]), False, organisation_type(key, value))


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
        figures=tuple(_figure_block(f) for f in raw["figures"]),
    )


def _figure_block(raw: dict[str, Any]) -> FigureBlock:
    return FigureBlock(
        id=raw.get("id"),
        title=raw["title"],
        source=raw.get("source"),
        items=tuple(FigureItem(i["label"], i.get("value"), i.get("unit"), i.get("text")) for i in raw.get("items", ())),
        note=raw.get("note"),
        chart=raw.get("chart", True),
    )


def _annex(raw: dict[str, Any], folder: Path, location: Location) -> Annex:
    file = (folder / raw["file"]).resolve() if "file" in raw else None
    return Annex(raw["title"], file, raw.get("generated"), location)
