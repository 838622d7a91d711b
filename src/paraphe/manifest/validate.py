"""Validation: the JSON Schema, then the rules no schema can express.

Every problem becomes a located Diagnostic; all of them are collected so the
secretariat fixes a manifest in one pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from paraphe.diagnostics import Diagnostic
from paraphe.i18n import _
from paraphe.manifest import rules
from paraphe.manifest.load import LoadedManifest, Pointer, SourceMap
from paraphe.manifest.prose_lists import flow_prose_lists
from paraphe.manifest.schema_messages import schema_message, unknown_field_message
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
    import jsonschema

    schema = _schema(avenant)
    jsonschema.Draft202012Validator.check_schema(schema)
    return _with_local_refs(schema)(schema)


_DEFS = "#/$defs/"
_DEF_NAME = re.compile(r"[A-Za-z0-9_]+")


def _with_local_refs(schema: dict[str, Any]) -> type[jsonschema.Draft202012Validator]:
    """Draft 2020-12, with a `$ref` to one of the schema's own `$defs` followed directly, and a `oneOf`
    that one branch fits settled without collecting the other branches' errors.

    jsonschema looks each `$ref` up through `referencing` (a third of an SDSF's validation: some
    9 000 look-ups); our schemas have one base URI (`$id` at the root only) and no dynamic
    reference, so `#/$defs/name` is `schema["$defs"]["name"]` under the same resolver, which is
    what jsonschema descends into, with the same paths. jsonschema's `oneOf` reports nothing exactly
    when one branch is valid, so that case is found with `is_valid`, which stops at a branch's first
    error; any other case is jsonschema's own. The same errors, in the same order
    (tests/manifest/test_local_refs.py compares them); any other `$ref` goes through jsonschema's own.
    """
    from jsonschema import Draft202012Validator, validators

    stock: type[jsonschema.Draft202012Validator] = Draft202012Validator
    if _ids_below_root(schema) or "$dynamicRef" in json.dumps(schema):
        return stock  # a base URI or a dynamic scope would matter: looked up as usual
    defs = schema.get("$defs", {})
    plain = {name: check for name, definition in defs.items() if (check := _plain_string(definition)) is not None}
    follow, one_of = Draft202012Validator.VALIDATORS["$ref"], Draft202012Validator.VALIDATORS["oneOf"]

    def ref(validator: Any, ref: str, instance: Any, subschema: dict[str, Any]) -> Iterator[ValidationError]:
        name = ref[len(_DEFS) :] if ref.startswith(_DEFS) else ""
        if name in plain and plain[name](instance):
            return  # a text the definition plainly accepts: jsonschema's keywords would say nothing
        if _DEF_NAME.fullmatch(name) and name in defs:
            yield from validator.descend(instance, defs[name])
        else:
            yield from follow(validator, ref, instance, subschema)

    def settled_one_of(validator: Any, branches: Any, instance: Any, subschema: Any) -> Iterator[ValidationError]:
        valid = 0
        for branch in branches:
            valid += validator.evolve(schema=branch).is_valid(instance)
            if valid > 1:
                break
        if valid != 1:
            yield from one_of(validator, branches, instance, subschema)

    extended: type[Draft202012Validator] = validators.extend(
        Draft202012Validator, {"$ref": ref, "oneOf": settled_one_of}
    )
    return extended


def _plain_string(definition: Any) -> Callable[[Any], bool] | None:
    """For a definition of a string by its length and pattern only (`text`, `slug`, `date`…), what
    jsonschema's `type`, `minLength`, `maxLength` and `pattern` keywords accept, checked as they
    check it; None for any other definition. Most of a manifest's values are such texts."""
    if not isinstance(definition, dict):
        return None
    rules = {key: value for key, value in definition.items() if key not in ("title", "description")}
    if rules.get("type") != "string" or not set(rules) <= {"type", "minLength", "maxLength", "pattern"}:
        return None
    shortest, longest, pattern = rules.get("minLength", 0), rules.get("maxLength"), rules.get("pattern")

    def accepted(instance: Any) -> bool:
        return (
            isinstance(instance, str)
            and len(instance) >= shortest
            and (longest is None or len(instance) <= longest)
            and (pattern is None or re.search(pattern, instance) is not None)
        )

    return accepted


def _ids_below_root(schema: Any, root: bool = True) -> bool:
    if isinstance(schema, dict):
        if not root and ("$id" in schema or "$anchor" in schema or "$dynamicAnchor" in schema):
            return True
        return any(_ids_below_root(value, False) for value in schema.values())
    if isinstance(schema, list):
        return any(_ids_below_root(value, False) for value in schema)
    return False


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
