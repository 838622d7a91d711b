"""The catalog of rules: every code used is declared, every declared code is used and shown by a case."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from paraphe.catalog import RULES, UnknownRule, rule
from paraphe.diagnostics import Diagnostic, Location
from support import ROOT

# The catalog itself aside: it declares every code, which is not a use.
# render/reference.py names the template context's variables (« plan.title »), which look like codes and are not.
SOURCES = sorted(p for p in (ROOT / "src" / "paraphe").rglob("*.py") if p.name not in ("catalog.py", "reference.py"))
SCHEMA = json.loads((ROOT / "schemas" / "convention.schema.json").read_text(encoding="utf-8"))
# Both corpora are case folders: an input and the diagnostics it gives, one a line, in expected.txt.
CORPORA = (ROOT / "tests" / "cases", ROOT / "tests" / "hostile")

# A string literal shaped like a code: `topic.subject`.
_LITERAL = re.compile(r"""["']([a-z]+\.[a-zA-Z][a-zA-Z-]*)["']""")
# Literals of that shape that are file names, not codes.
_FILE_SUFFIXES = {"docx", "pdf", "odt", "yaml", "yml", "dtd", "json", "xml", "txt", "bin", "xcd", "xcu"}
# Schema keywords that only lead to other schemas: their errors are the inner keyword's.
_APPLICATORS = {"$ref", "properties", "items", "propertyNames", "prefixItems"}
# oneOf: validation reports the error of the branch that explains most; the schema's branches exclude
# one another (by type or required field), so no value matches two and `schema.oneOf` cannot occur.
_EXPLAINED = {"oneOf"}


def _objects(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    return {**SCHEMA["$defs"][ref.rsplit("/", 1)[-1]], **node} if ref else node


def _is_field_path(literal: str) -> bool:
    """`period.start`, `context.sources`: a field and one of its own fields (the diff names changes so)."""
    field, child = literal.split(".")
    for node in _objects(SCHEMA):
        parent = node.get("properties", {}).get(field)
        if isinstance(parent, dict) and child in _resolve(parent).get("properties", {}):
            return True
    return False


def _used_codes() -> set[str]:
    found = set()
    for source in SOURCES:
        for literal in _LITERAL.findall(source.read_text(encoding="utf-8")):
            if literal.rsplit(".", 1)[1] not in _FILE_SUFFIXES and not _is_field_path(literal):
                found.add(literal)
    return found


def _schema_keywords() -> set[str]:
    """The validation keywords the schema uses: validation reports their errors as `schema.<keyword>`."""
    validators = set(jsonschema.Draft202012Validator.VALIDATORS)
    return {key for node in _objects(SCHEMA) for key in node if key in validators} - _APPLICATORS - _EXPLAINED


def _codes_in_cases() -> set[str]:
    codes = set()
    for corpus in CORPORA:
        for expected in corpus.rglob("expected.txt"):
            codes.update(re.findall(r"\[([\w.-]+)\]$", expected.read_text(encoding="utf-8"), re.MULTILINE))
    return codes


def test_every_code_used_in_the_sources_is_declared() -> None:
    for code in sorted(_used_codes()):
        rule(code)  # raises UnknownRule


def test_every_declared_code_is_used() -> None:
    used = _used_codes() | {f"schema.{keyword}" for keyword in _schema_keywords()}
    assert sorted(set(RULES) - used) == []


def test_every_schema_keyword_is_declared() -> None:
    assert sorted(f"schema.{k}" for k in _schema_keywords() if f"schema.{k}" not in RULES) == []


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_code_has_a_case(code: str) -> None:
    assert code in _codes_in_cases(), f"no expected.txt under tests/cases/ or tests/hostile/ shows [{code}]"


def test_a_diagnostic_with_an_undeclared_code_fails_where_it_is_made() -> None:
    with pytest.raises(UnknownRule):
        Diagnostic(Location("manifest.yaml", 1, 1), "a problem nobody declared", "nowhere.unknown")


def test_severity_comes_from_the_catalog() -> None:
    assert Diagnostic(Location("m.yaml", 3, 1), "unused", "unused.marker").severity == "warning"
    assert str(Diagnostic(Location("m.yaml", 3, 1), "bad", "id.unique")) == "m.yaml:3:1: error: bad [id.unique]"
    assert {r.severity for r in RULES.values()} == {"error", "warning"}
    assert all(r.summary and "\n" not in r.summary for r in RULES.values())


def test_readme_table_of_rules_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "rules-table"), "--check"], check=False, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
