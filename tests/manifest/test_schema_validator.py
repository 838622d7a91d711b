"""The validator with its shortcuts ($ref followed directly, plain texts, settled oneOf) gives jsonschema's errors.

Compared with the stock Draft 2020-12 validator on every YAML file of the repository and on
variants of the valid ones where a value is replaced by one of another type or shape: the same
errors in the same order, with the same message, paths, keyword, instance and branch errors.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from importlib.resources.abc import Traversable
from typing import Any

import jsonschema
import pytest
from jsonschema.exceptions import ValidationError

from paraphe.errors import ManifestError
from paraphe.manifest import quick_schema, validate
from paraphe.manifest.french_values import canonical
from paraphe.manifest.load import load_manifest
from paraphe.manifest.quick_schema import CHECK_VARIABLE, compiled_validator
from paraphe.manifest.schema_validator import validator_class
from paraphe.resources import AVENANT_SCHEMA_PATH, SCHEMA_PATH, TERRITORIES_SCHEMA_PATH
from support import ROOT

REPLACEMENTS: list[Any] = [
    None,
    7,
    -1,
    2.5,
    True,
    "",
    "x",
    "Pas un slug !",
    "ab-cd\n",
    "a" * 5001,
    [],
    ["a"],
    {},
    {"z": 1},
    "2020-13-45",
    "\u00a0",  # only spaces, as both regular expression dialects count them
    "\u202f\u2009",
    "a\u00a0b",
]


def _documents() -> list[tuple[str, Any]]:
    found = []
    for path in sorted(p for folder in ("conventions", "tests", "src") for p in (ROOT / folder).rglob("*.y*ml")):
        try:
            found.append((str(path.relative_to(ROOT)), canonical(load_manifest(path)).data))
        except (ManifestError, OSError, UnicodeDecodeError):
            continue  # not YAML paraphe reads: nothing to validate
    return found


def _places(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _places(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _places(value, (*path, index))


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(data)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def _variants() -> list[tuple[str, Any]]:
    chooser = random.Random(18)  # the same variants every run
    variants = []
    for name, data in DOCUMENTS:
        if not isinstance(data, dict) or not list(
            jsonschema.Draft202012Validator(validate._schema()).iter_errors(data)
        ):
            places = [p for p in _places(data) if p]
            for place in chooser.sample(places, min(len(places), 5)):
                variants.append((f"{name} {place}", _replaced(data, place, chooser.choice(REPLACEMENTS))))
    return variants


def _described(error: ValidationError) -> tuple[Any, ...]:
    return (
        error.message,
        list(error.absolute_path),
        list(error.absolute_schema_path),
        error.validator,
        repr(error.validator_value),
        repr(error.instance),
        [_described(e) for e in error.context],
    )


DOCUMENTS = _documents()


def test_the_repository_has_valid_and_invalid_manifests_to_compare() -> None:
    stock = jsonschema.Draft202012Validator(validate._schema())
    assert len(DOCUMENTS) > 100
    assert any(list(stock.iter_errors(data)) for _, data in DOCUMENTS)
    assert any(not list(stock.iter_errors(data)) for _, data in DOCUMENTS)
    assert validate._validator().VALIDATORS["$ref"] is not stock.VALIDATORS["$ref"]  # the direct one is used


@pytest.mark.parametrize("avenant", [False, True])
def test_the_errors_are_jsonschemas(avenant: bool) -> None:
    schema = validate._schema(avenant)
    stock, ours = jsonschema.Draft202012Validator(schema), validate._validator(avenant)
    compared = 0
    for name, data in DOCUMENTS + _variants():
        expected = [_described(e) for e in stock.iter_errors(data)]
        assert [_described(e) for e in ours.iter_errors(data)] == expected, name
        compared += bool(expected)
    assert compared > 200, compared  # errors were compared, not only silences


@pytest.mark.parametrize("avenant", [False, True])
def test_what_jsonschema_rs_accepts_jsonschema_accepts(avenant: bool) -> None:
    stock, quick = (
        jsonschema.Draft202012Validator(validate._schema(avenant)),
        compiled_validator(AVENANT_SCHEMA_PATH if avenant else SCHEMA_PATH),
    )
    assert quick is not None
    accepted = refused = 0
    for name, data in DOCUMENTS + _variants():
        if quick.is_valid(data):
            assert not list(stock.iter_errors(data)), name
            accepted += 1
        else:
            refused += 1
    assert accepted >= 10 and refused > 200, (accepted, refused)


def test_a_manifest_jsonschema_rs_accepts_is_not_asked_of_jsonschema(monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = load_manifest(ROOT / "conventions" / "lozere" / "ctg-plan-actions-2020.yaml")
    monkeypatch.delenv(CHECK_VARIABLE)
    monkeypatch.setattr(validate, "_validator", None)  # called: a TypeError
    assert validate.validate(manifest) == []


def test_under_the_check_a_manifest_accepted_wrongly_stops_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    class AcceptsAll:
        def is_valid(self, _data: Any) -> bool:
            return True

    manifest = load_manifest(ROOT / "conventions" / "lozere" / "ctg-plan-actions-2020.yaml")
    data = dict(manifest.data, kind="pas-un-type")
    monkeypatch.setattr(quick_schema, "compiled_validator", lambda _schema: AcceptsAll())
    with pytest.raises(AssertionError, match="jsonschema-rs accepted what jsonschema refuses"):
        list(validate._schema_problems(data, manifest.source))
    monkeypatch.delenv(CHECK_VARIABLE)
    assert list(validate._schema_problems(data, manifest.source)) == []  # what the check is there to catch


def test_a_schema_with_an_inner_base_uri_is_looked_up_as_usual() -> None:
    schema = {"$id": "https://example.org/s", "$defs": {"a": {"$id": "inner", "type": "string"}}, "$ref": "#/$defs/a"}
    assert validator_class(schema) is jsonschema.Draft202012Validator


@pytest.mark.parametrize("instance", ["abc", "abcd", "zz", "zzzz", 5, {"a": 1}, ["abc"], None])
def test_a_oneof_settled_early_reports_as_jsonschema(instance: Any) -> None:
    """Valid under both branches, one, or none; of the branches' type or not: the same errors."""
    schema = {
        "$id": "https://example.org/s",
        "$defs": {
            "short": {"type": "string", "maxLength": 3},
            "listed": {"type": "array", "items": {"$ref": "#/$defs/short"}},
        },
        "oneOf": [{"$ref": "#/$defs/short"}, {"type": "string", "pattern": "^a"}, {"$ref": "#/$defs/listed"}],
    }
    stock, ours = jsonschema.Draft202012Validator(schema), validator_class(schema)(schema)
    assert validator_class(schema) is not jsonschema.Draft202012Validator
    assert [_described(e) for e in ours.iter_errors(instance)] == [_described(e) for e in stock.iter_errors(instance)]


@pytest.mark.parametrize("shipped", [SCHEMA_PATH, AVENANT_SCHEMA_PATH, TERRITORIES_SCHEMA_PATH], ids=str)
def test_each_shipped_schema_is_a_valid_draft_2020_12_schema(shipped: Traversable) -> None:
    """Builds trust the shipped schemas without checking them against the metaschema: this test does."""
    schema = json.loads(shipped.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    # The check can fail: a type that is no JSON type is refused.
    with pytest.raises(jsonschema.SchemaError):
        jsonschema.Draft202012Validator.check_schema({**schema, "type": "texte"})
