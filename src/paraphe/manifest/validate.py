"""Validation: the JSON Schema, then the rules no schema can express.

Every problem becomes a located Diagnostic; all of them are collected so the
secretariat fixes a manifest in one pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from paraphe.diagnostics import Diagnostic
from paraphe.i18n import _
from paraphe.manifest import rules
from paraphe.manifest.load import LoadedManifest
from paraphe.manifest.prose_lists import flow_prose_lists
from paraphe.manifest.quick_schema import accepted
from paraphe.manifest.schema_messages import schema_message, unknown_field_message
from paraphe.manifest.schema_validator import validator_class
from paraphe.manifest.source_map import Pointer, SourceMap
from paraphe.resources import AVENANT_SCHEMA_PATH, SCHEMA_PATH

AVENANT = "avenant"

if TYPE_CHECKING:  # jsonschema takes a tenth of a second to import: a build with nothing to do never loads it
    import jsonschema
    from jsonschema.exceptions import ValidationError


@cache
def _schema(avenant: bool = False) -> dict[str, Any]:
    path = AVENANT_SCHEMA_PATH if avenant else SCHEMA_PATH
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@cache
def _validator(avenant: bool = False) -> jsonschema.Draft202012Validator:
    # Not checked against the metaschema here (a sixth of a second at every build's start): the schemas
    # are paraphe's own, and a test checks them (tests/manifest/test_schema_validator.py).
    schema = _schema(avenant)
    return validator_class(schema)(schema)


def is_avenant(manifest: LoadedManifest) -> bool:
    """A manifest of `kind: avenant`: it names a convention and amends it, with its own schema and rules."""
    return isinstance(manifest.data, dict) and manifest.data.get("kind") == AVENANT


def validate_avenant_shape(manifest: LoadedManifest) -> list[Diagnostic]:
    """An avenant's manifest against its schema; its rules need the conventions it names (`paraphe.avenant`)."""
    split = list(flow_prose_lists(manifest.source, _schema(avenant=True)))
    return split + list(_schema_problems(manifest.data, manifest.source, avenant=True))


def validate(manifest: LoadedManifest) -> list[Diagnostic]:
    """All problems of a loaded manifest, schema first, then cross-field rules."""
    if is_avenant(manifest):
        where = manifest.source.locate(("kind",))
        return [
            Diagnostic(
                where, _("an avenant is read with the convention it amends, not as a convention"), "avenant.kind"
            )
        ]
    # A text split at its commas is valid to the schema: refused on its own, beside the other findings.
    split = list(flow_prose_lists(manifest.source, _schema()))
    problems = list(_schema_problems(manifest.data, manifest.source))
    if problems and not split:
        return problems  # in the schema's order, by field
    if not problems:
        # The rules assume the shape the schema guarantees.
        problems = list(rules.run(manifest))
    # Reported in reading order; problems found in another file (the territories list) come last.
    own = manifest.source.file
    return sorted(split + problems, key=lambda d: (d.location.file != own, d.location.line, d.location.col))


def _schema_problems(data: Any, source: SourceMap, *, avenant: bool = False) -> Iterator[Diagnostic]:
    if accepted(AVENANT_SCHEMA_PATH if avenant else SCHEMA_PATH, data, lambda: _validator(avenant).iter_errors(data)):
        return
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
                        unknown_field_message(key, allowed),
                        "schema.additionalProperties",
                    )
            continue
        yield Diagnostic(source.locate(pointer), schema_message(error), f"schema.{error.validator}")


def _most_specific(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf, the branch error that explains the most."""
    from jsonschema.exceptions import best_match

    while error.context:
        # A branch written for another type of value (a year where the text branch expects a
        # string) explains nothing: the branches of the value's own type do.
        fitting = [e for e in error.context if e.validator != "type" or e.relative_path]
        deeper = best_match(fitting or error.context)
        if deeper is None:
            break
        error = deeper
    return error
