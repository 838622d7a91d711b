"""Validation: the JSON Schema, then the rules no schema can express.

Every problem becomes a located Diagnostic; all of them are collected so the
secretariat fixes a manifest in one pass.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from paraphe.diagnostics import Diagnostic
from paraphe.manifest import rules
from paraphe.manifest.load import LoadedManifest, Pointer, SourceMap
from paraphe.resources import SCHEMA_PATH

if TYPE_CHECKING:  # jsonschema takes a tenth of a second to import: a build with nothing to do never loads it
    import jsonschema
    from jsonschema.exceptions import ValidationError


@cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema

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
    return sorted(rules.run(manifest), key=lambda d: (d.location.file != own, d.location.line, d.location.col))


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
    from jsonschema.exceptions import best_match

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
