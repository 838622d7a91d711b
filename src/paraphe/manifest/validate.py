"""Validation: the JSON Schema, then the rules no schema can express.

Every problem becomes a located Diagnostic; all of them are collected so the
secretariat fixes a manifest in one pass.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from paraphe.annexes import read_annex
from paraphe.diagnostics import Diagnostic
from paraphe.manifest.load import LoadedManifest, Pointer, SourceMap
from paraphe.manifest.model import organisation_type
from paraphe.manifest.territories import find_territories_file, fold, load_territories
from paraphe.names import CERTIFICATION_FIELD
from paraphe.paths import display_path
from paraphe.resources import SCHEMA_PATH


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def validate(manifest: LoadedManifest) -> list[Diagnostic]:
    """All problems of a loaded manifest, schema first, then cross-field rules."""
    problems = list(_schema_problems(manifest.data, manifest.source))
    if problems:
        # The rules below assume the shape the schema guarantees.
        return problems
    # Reported in reading order; problems found in another file (the territories list) come last.
    own = manifest.source.file
    return sorted(_rule_problems(manifest), key=lambda d: (d.location.file != own, d.location.line, d.location.col))


def _schema_problems(data: Any, source: SourceMap) -> Iterator[Diagnostic]:
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        error = _most_specific(error)
        pointer: Pointer = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in allowed:
                    yield Diagnostic(
                        source.locate(pointer + (key,), key=True),
                        f"unknown field {key!r}" + _suggest(key, allowed),
                        "schema.additionalProperties",
                    )
            continue
        yield Diagnostic(source.locate(pointer), _message(error), f"schema.{error.validator}")


def _most_specific(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf, the branch error that explains the most."""
    while error.context:
        deeper = best_match(error.context)
        if deeper is None:
            break
        error = deeper
    return error


def _message(error: ValidationError) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or "manifest"
    if error.validator == "required":
        return f"{where}: {error.message}"
    if error.validator == "enum":
        choices = ", ".join(repr(c) for c in error.validator_value)
        return f"{where}: {error.instance!r} is not one of {choices}"
    if error.validator == "pattern":
        return f"{where}: {error.instance!r} does not have the expected form ({_pattern_hint(error)})"
    if error.validator == "type":
        return f"{where}: expected {error.validator_value}, found {type(error.instance).__name__} {error.instance!r}"
    return f"{where}: {error.message}"


def _pattern_hint(error: ValidationError) -> str:
    return str(error.schema.get("description") or error.validator_value)


def _suggest(key: str, allowed: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, sorted(allowed), n=1)
    return f"; did you mean {close[0]!r}?" if close else f"; expected one of {', '.join(sorted(allowed))}"


def _walk_sections(
    sections: list[dict[str, Any]], pointer: Pointer, depth: int = 0
) -> Iterator[tuple[Pointer, dict[str, Any], int]]:
    for i, section in enumerate(sections):
        here = pointer + (i,)
        yield here, section, depth
        yield from _walk_sections(section.get("sections", []), here + ("sections",), depth + 1)


def _rule_problems(manifest: LoadedManifest) -> Iterator[Diagnostic]:
    data, source = manifest.data, manifest.source
    organisations = set(data["organisations"])
    start, end = data["period"]["start"], data["period"]["end"]

    def at(pointer: Pointer, message: str, rule: str) -> Diagnostic:
        return Diagnostic(source.locate(pointer), message, rule)

    if start > end:
        yield at(("period", "end"), f"the period ends ({end}) before it starts ({start})", "period.order")
    elif "duration" in data and data["duration"] != end - start + 1:
        years = end - start + 1
        yield at(
            ("duration",),
            f"a duration of {data['duration']} year(s) does not match the period {start}-{end} ({years} year(s))",
            "period.duration",
        )

    for pointer in _date_pointers(data):
        value = _get(data, pointer)
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            yield at(pointer, f"{value!r} is not a date of the calendar", "date.invalid")

    levels = len(data["levels"])
    part_ids = {part["id"] for part in data.get("parts", [])}
    seen: dict[tuple[str, str], Pointer] = {}

    def unique(namespace: str, value: str, pointer: Pointer) -> Iterator[Diagnostic]:
        first = seen.setdefault((namespace, value), pointer)
        if first != pointer:
            line = source.locate(first).line
            yield at(pointer, f"{namespace} id {value!r} is already used at line {line}", "id.unique")

    markers = set(data.get("markers", {}))

    def marker(key: str, pointer: Pointer) -> Iterator[Diagnostic]:
        if key not in markers:
            yield at(pointer, f"marker {key!r} is not declared under 'markers'", "ref.marker")

    for pointer, section, depth in _walk_sections(data["sections"], ("sections",)):
        if "id" in section:
            yield from unique("section", section["id"], pointer + ("id",))
        if depth >= levels:
            yield at(pointer, f"this section is at depth {depth + 1} but 'levels' names only {levels}", "levels.depth")
        if "part" in section:
            if depth:
                yield at(pointer + ("part",), "only top-level sections belong to a part", "part.depth")
            elif section["part"] not in part_ids:
                yield at(pointer + ("part",), f"unknown part {section['part']!r}; declare it under 'parts'", "ref.part")
        if data["status"] == "final" and not any(k in section for k in ("sections", "actions", "text", "diagnostic")):
            # A draft may keep a section to fill in later (an objective whose actions are still to write).
            yield at(pointer, f"section {section['title']!r} has neither sections, actions nor text", "section.empty")
        for k, key in enumerate(section.get("legend", [])):
            yield from marker(key, pointer + ("legend", k))
        for j, action in enumerate(section.get("actions", [])):
            here = pointer + ("actions", j)
            for k, key in enumerate(action.get("markers", [])):
                yield from marker(key, here + ("markers", k))
            if depth + 1 >= levels:
                yield at(here, f"this action is at depth {depth + 2} but 'levels' names only {levels}", "levels.depth")
            yield from unique("action", action["id"], here + ("id",))
            if start <= end:
                yield from _calendar_problems(action.get("calendar"), start, end, here + ("calendar",), at)
            for k, actor in enumerate(action.get("actors", [])):
                key = actor if isinstance(actor, str) else actor.get("org")
                if key is not None and key not in organisations:
                    yield at(
                        here + ("actors", k),
                        f"actor {key!r} is not declared under 'organisations'",
                        "ref.organisation",
                    )

    for i, signatory in enumerate(data["signatories"]):
        yield from unique("signatory", signatory["id"], ("signatories", i, "id"))
        if signatory["id"] == CERTIFICATION_FIELD:
            yield at(
                ("signatories", i, "id"),
                f"{CERTIFICATION_FIELD!r} names the secretariat's certification field; give this signatory another id",
                "id.reserved",
            )
        if signatory["org"] not in organisations:
            yield at(
                ("signatories", i, "org"),
                f"signatory's organisation {signatory['org']!r} is not declared under 'organisations'",
                "ref.organisation",
            )

    glossary_keys = set(data.get("glossary", {}))
    for key in sorted(glossary_keys & organisations):
        yield at(("glossary", key), f"{key!r} is already declared under 'organisations'", "id.unique")

    for i, annex in enumerate(data.get("annexes", [])):
        if "file" in annex:
            reserved = [s["id"] for s in data["signatories"]]
            yield from _annex_problems(manifest.path, annex["file"], ("annexes", i, "file"), at, reserved)

    yield from _kind_problems(data, source)
    if data["kind"] == "ctg":
        yield from _ctg_problems(manifest, at)
    if data["status"] == "final":
        yield from _final_problems(data, at)


_DATES: tuple[Pointer, ...] = (("signature", "date"), ("plan", "date"))


def _date_pointers(data: dict[str, Any]) -> Iterator[Pointer]:
    for pointer in _DATES:
        if _get(data, pointer) is not None:
            yield pointer
    for i, party in enumerate(data.get("parties", [])):
        if "deliberation" in party:
            yield ("parties", i, "deliberation", "date")


def _get(data: Any, pointer: Pointer) -> Any:
    for step in pointer:
        if isinstance(data, dict) and isinstance(step, str):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return None
    return data


# Fields only the CTG template prints: elsewhere they would vanish from the document silently.
_CTG_ONLY = ("parties", "visas", "diagnostic", "steering", "court", "plan")


# Fields only the schémas' template (sdsf, sdavs) prints.
_SCHEMA_ONLY = ("parts",)


def _kind_problems(data: dict[str, Any], source: SourceMap) -> Iterator[Diagnostic]:
    kind = data["kind"]

    def ignored(pointer: Pointer, printed_in: str) -> Diagnostic:
        return Diagnostic(
            source.locate(pointer, key=True),
            f"{pointer[-1]!r} is printed only in {printed_in}; the {kind} template ignores it",
            "kind.field",
        )

    if kind != "ctg":
        yield from (ignored((key,), "a ctg") for key in _CTG_ONLY if key in data)
        return
    yield from (ignored((key,), "an sdsf or sdavs") for key in _SCHEMA_ONLY if key in data)
    for pointer, section, _depth in _walk_sections(data["sections"], ("sections",)):
        if "orientations" in section:
            yield ignored(pointer + ("orientations",), "an sdsf or sdavs (write them as the section's 'text')")


_STATE = "the State (préfecture, DDCSPP)"
_REQUIRED_PARTIES = (
    ("caf", "the CAF or the CCSS"),
    ("departement", "the Département"),
    ("etat", _STATE),
)


def _ctg_problems(manifest: LoadedManifest, at: Any) -> Iterator[Diagnostic]:
    """A CTG is tripartite plus its communauté de communes, which must be a listed one."""
    data, source = manifest.data, manifest.source
    organisations: dict[str, Any] = data["organisations"]
    signatories: list[dict[str, Any]] = data["signatories"]

    def kind_of(key: str) -> str | None:
        return organisation_type(key, organisations[key]) if key in organisations else None

    signed_by = {kind_of(s["org"]) for s in signatories}
    where = source.locate(("signatories",), key=True)
    for kind, who in _REQUIRED_PARTIES:
        if kind not in signed_by:
            yield Diagnostic(
                where,
                f"a CTG is signed by {who}: no signatory represents an organisation of type {kind!r}",
                "ctg.signatories",
            )

    territory = data["territory"]["name"]
    epcis = [
        s for s in signatories if kind_of(s["org"]) == "epci" and _names(organisations[s["org"]], s["org"], territory)
    ]
    if not epcis:
        yield Diagnostic(
            where,
            f"a CTG is signed by its communauté de communes: no signatory represents « {territory} » "
            "(an organisation of type 'epci' whose name contains the territory's)",
            "ctg.signatories",
        )

    yield from _territory_problems(manifest, territory, at)
    yield from _party_problems(data, at)


def _names(value: Any, key: str, territory: str) -> bool:
    name = value if isinstance(value, str) else value.get("name", value["label"])
    label = key if isinstance(value, str) else value["label"]
    return fold(territory) in fold(name) or fold(territory) in fold(label)


def _territory_problems(manifest: LoadedManifest, territory: str, at: Any) -> Iterator[Diagnostic]:
    path = find_territories_file(manifest.path)
    if path is None:
        yield at(
            ("territory", "name"),
            "no territories.yaml in the manifest's folder or above lists the département's communautés de communes",
            "ctg.territory",
        )
        return
    listed, problems = load_territories(path)
    yield from problems
    if listed is None or listed.find(territory) is not None:
        return
    close = difflib.get_close_matches(territory, listed.names, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    yield at(
        ("territory", "name"),
        f"{territory!r} is not one of the {len(listed.names)} communautés de communes of {listed.departement} "
        f"listed in {display_path(path)}{hint}",
        "ctg.territory",
    )


def _party_problems(data: dict[str, Any], at: Any) -> Iterator[Diagnostic]:
    parties: list[dict[str, Any]] = data.get("parties", [])
    if not parties:
        yield at(("kind",), "a ctg names its parties under 'parties' (« Entre … Et … »)", "ctg.parties")
        return
    organisations = data["organisations"]
    signatories = {s["id"]: s for s in data["signatories"]}
    represented: set[str] = set()
    party_orgs: set[str] = set()
    for i, party in enumerate(parties):
        org = party["org"]
        if org not in organisations:
            yield at(("parties", i, "org"), f"party {org!r} is not declared under 'organisations'", "ref.organisation")
            continue
        if org in party_orgs:
            yield at(("parties", i, "org"), f"{org!r} is already a party", "id.unique")
        party_orgs.add(org)
        ids = party.get("signatories")
        if ids is None:
            ids = [s for s, raw in signatories.items() if raw["org"] == org]
            if not ids:
                yield at(("parties", i), f"no signatory represents the party {org!r}", "party.unrepresented")
        for k, sid in enumerate(party.get("signatories", [])):
            if sid not in signatories:
                yield at(("parties", i, "signatories", k), f"no signatory has the id {sid!r}", "ref.signatory")
            elif sid in represented:
                yield at(("parties", i, "signatories", k), f"{sid!r} already represents a party", "id.unique")
        represented.update(ids)
    sides = [("side" in p) for p in parties]
    if any(sides) and not all(sides):
        i = sides.index(False)
        yield at(("parties", i), "either every party has a 'side' (1 or 2) or none has", "party.side")
    elif all(sides):
        order = [p["side"] for p in parties]
        if order != sorted(order) or set(order) != {1, 2}:
            i = next((j for j in range(1, len(order)) if order[j] < order[j - 1]), 0)
            yield at(
                ("parties", i, "side"),
                "parties of side 1 (« D'une part ») come first, then those of side 2 (« D'autre part »), "
                "and both sides have one",
                "party.side",
            )
    for i, signatory in enumerate(data["signatories"]):
        if signatory["id"] not in represented:
            yield at(
                ("signatories", i, "org"),
                f"signatory {signatory['id']!r} represents no party; add {signatory['org']!r} under 'parties' "
                "or list the signatory in a party's 'signatories'",
                "party.missing",
            )


# « [à compléter] », « [à préciser : date] », « […] », « [XX] », or a text that is only dots, dashes, X or TODO.
_PLACEHOLDER = re.compile(
    r"\[\s*(?:à|a)\s+(?:compl[ée]ter|pr[ée]ciser)[^\]]*\]|\[\s*(?:…|\.{2,}|_*|x{2,}|\?+)\s*\]"
    r"|^\s*(?:…|\.{3,}|_{3,}|x{3,}|todo|tbd)\s*$",
    re.IGNORECASE,
)


def is_placeholder(text: str) -> bool:
    return _PLACEHOLDER.search(text) is not None


def _strings(node: Any, pointer: Pointer = ()) -> Iterator[tuple[Pointer, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, pointer + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, pointer + (i,))
    elif isinstance(node, str):
        yield pointer, node


def _final_problems(data: dict[str, Any], at: Any) -> Iterator[Diagnostic]:
    """A final convention is complete: nothing left to fill in."""
    for pointer, text in _strings(data):
        if is_placeholder(text):
            yield at(pointer, f"{text!r} is a placeholder; a final convention has none", "final.placeholder")
    if "date" not in data["signature"]:
        yield at(("signature",), "a final convention has a signature date", "final.incomplete")
    for i, signatory in enumerate(data["signatories"]):
        if "civility" not in signatory:
            yield at(("signatories", i), f"signatory {signatory['id']!r} has no civility", "final.incomplete")
    if "example" in data["territory"]:
        yield at(
            ("territory", "example"),
            "an example territory cannot be signed; name the real territory and remove 'example'",
            "final.example",
        )


def _calendar_problems(calendar: Any, start: int, end: int, pointer: Pointer, at: Any) -> Iterator[Diagnostic]:
    if calendar is None:
        return
    first, last = (calendar, calendar) if isinstance(calendar, int) else map(int, calendar.split("-"))
    if first > last:
        yield at(pointer, f"calendar {calendar!r} ends before it starts", "calendar.order")
    elif first < start or last > end:
        yield at(pointer, f"calendar {calendar!r} is outside the period {start}-{end}", "calendar.period")


def _annex_problems(
    manifest_path: Path, relative: str, pointer: Pointer, at: Any, reserved: list[str]
) -> Iterator[Diagnostic]:
    folder = manifest_path.resolve().parent
    candidate = Path(relative)
    if candidate.is_absolute():
        yield at(pointer, f"annex path {relative!r} must be relative to the manifest", "annex.path")
        return
    target = (folder / candidate).resolve()
    if not target.is_relative_to(folder):
        yield at(pointer, f"annex {relative!r} lies outside the convention's folder", "annex.path")
        return
    if not target.exists():
        yield at(pointer, f"annex file {relative!r} does not exist", "annex.missing")
    elif not target.is_file():
        yield at(pointer, f"annex {relative!r} is not a regular file", "annex.not-file")
    elif target.suffix.lower() != ".pdf":
        yield at(pointer, f"annex {relative!r} is not a PDF file", "annex.type")
    else:
        # What the file holds, inspected in a sandboxed child: the build would insert it as it is.
        _, found = read_annex(target, relative, reserved)
        yield from (at(pointer, message, rule) for message, rule in found)
