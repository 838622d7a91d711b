"""Validation: the JSON Schema, then the rules no schema can express.

Every problem becomes a located Diagnostic; all of them are collected so the
secretariat fixes a manifest in one pass.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from paraphe.diagnostics import Diagnostic
from paraphe.manifest.load import LoadedManifest, Pointer, SourceMap

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "schemas" / "convention.schema.json"


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
    return list(_rule_problems(manifest))


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

    try:
        dt.date.fromisoformat(data["signature"]["date"])
    except ValueError:
        yield at(("signature", "date"), f"{data['signature']['date']!r} is not a date of the calendar", "date.invalid")

    levels = len(data["levels"])
    part_ids = {part["id"] for part in data.get("parts", [])}
    seen: dict[tuple[str, str], Pointer] = {}

    def unique(namespace: str, value: str, pointer: Pointer) -> Iterator[Diagnostic]:
        first = seen.setdefault((namespace, value), pointer)
        if first != pointer:
            line = source.locate(first).line
            yield at(pointer, f"{namespace} id {value!r} is already used at line {line}", "id.unique")

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
        if "sections" not in section and "actions" not in section:
            yield at(pointer, f"section {section['title']!r} has neither sections nor actions", "section.empty")
        for j, action in enumerate(section.get("actions", [])):
            here = pointer + ("actions", j)
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
            yield from _annex_problems(manifest.path, annex["file"], ("annexes", i, "file"), at)


def _calendar_problems(calendar: Any, start: int, end: int, pointer: Pointer, at: Any) -> Iterator[Diagnostic]:
    if calendar is None:
        return
    first, last = (calendar, calendar) if isinstance(calendar, int) else map(int, calendar.split("-"))
    if first > last:
        yield at(pointer, f"calendar {calendar!r} ends before it starts", "calendar.order")
    elif first < start or last > end:
        yield at(pointer, f"calendar {calendar!r} is outside the period {start}-{end}", "calendar.period")


def _annex_problems(manifest_path: Path, relative: str, pointer: Pointer, at: Any) -> Iterator[Diagnostic]:
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
