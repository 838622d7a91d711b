"""Validation: the JSON Schema, then the rules no schema can express.

Every problem becomes a located Diagnostic; all of them are collected so the
secretariat fixes a manifest in one pass.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from paraphe.diagnostics import Diagnostic
from paraphe.manifest import rules
from paraphe.manifest.load import LoadedManifest, Pointer, SourceMap
from paraphe.resources import AVENANT_SCHEMA_PATH, SCHEMA_PATH

AVENANT = "avenant"


@cache
def _validator(avenant: bool = False) -> jsonschema.Draft202012Validator:
    path = AVENANT_SCHEMA_PATH if avenant else SCHEMA_PATH
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def is_avenant(manifest: LoadedManifest) -> bool:
    """A manifest of `kind: avenant`: it names a convention and amends it, with its own schema and rules."""
    return isinstance(manifest.data, dict) and manifest.data.get("kind") == AVENANT


def validate_avenant_shape(manifest: LoadedManifest) -> list[Diagnostic]:
    """An avenant's manifest against its schema; its rules need the conventions it names (`paraphe.avenant`)."""
    return list(_schema_problems(manifest.data, manifest.source, avenant=True))


def validate(manifest: LoadedManifest) -> list[Diagnostic]:
    """All problems of a loaded manifest, schema first, then cross-field rules."""
    if is_avenant(manifest):
        where = manifest.source.locate(("kind",))
        return [
            Diagnostic(where, "an avenant is read with the convention it amends, not as a convention", "avenant.kind")
        ]
    problems = list(_schema_problems(manifest.data, manifest.source))
    if problems:
        # The rules below assume the shape the schema guarantees.
        return problems
    # Reported in reading order; problems found in another file (the territories list) come last.
    own = manifest.source.file
    return sorted(rules.run(manifest), key=lambda d: (d.location.file != own, d.location.line, d.location.col))


def _schema_problems(data: Any, source: SourceMap, *, avenant: bool = False) -> Iterator[Diagnostic]:
    errors = sorted(_validator(avenant).iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
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
    if error.validator == "not" and len(error.validator_value.get("required", [])) > 1:
        fields = " and ".join(repr(f) for f in error.validator_value["required"])
        return f"{where}: {fields} exclude each other; give one"
    if error.validator == "type":
        return f"{where}: expected {error.validator_value}, found {type(error.instance).__name__} {error.instance!r}"
    return f"{where}: {error.message}"


def _pattern_hint(error: ValidationError) -> str:
    return str(error.schema.get("description") or error.validator_value)


def _suggest(key: str, allowed: set[str]) -> str:
    close = difflib.get_close_matches(key, sorted(allowed), n=1)
    return f"; did you mean {close[0]!r}?" if close else f"; expected one of {', '.join(sorted(allowed))}"
