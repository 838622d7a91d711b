"""The YAML paraphe reads: its limits, and the only plain scalars it types (those YAML 1.2 would).

Shared by the strict loader (`load`) and its one-pass reading (`quick_read`), which must agree.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

# A manifest is a few thousand values, ten levels deep; past these it is an attack or an accident,
# refused before the parser's recursion or the schema's work grows with it.
MAX_DEPTH = 40
MAX_NODES = 50_000
# A number is a year, a count or an amount: past 15 digits (what a float holds exactly) it is a
# mistake, and past 4 300 Python refuses to convert it at all.
MAX_DIGITS = 15

INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"


def add_implicit_types(resolver: type[yaml.resolver.BaseResolver]) -> None:
    """`true`/`false`, decimal integers and decimals, `null`/`~`/nothing; any other plain scalar is text
    (`no`, `012345`, `1:20` and `2020-10-09` stay as written)."""
    resolver.yaml_implicit_resolvers = {}
    resolver.add_implicit_resolver(BOOL, re.compile(r"^(?:true|false)$"), list("tf"))
    resolver.add_implicit_resolver(INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
    resolver.add_implicit_resolver(FLOAT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)\.[0-9]+$"), list("-+0123456789"))
    resolver.add_implicit_resolver(NULL, re.compile(r"^(?:null|~|)$"), ["n", "~", ""])


class TagResolver(yaml.resolver.Resolver):  # type: ignore[misc]
    """The loaders' implicit types, for a reading without their composer."""


add_implicit_types(TagResolver)


def integer_digits(value: str) -> int:
    """The digits before the decimal point of a number as written."""
    return len(value.lstrip("+-").split(".")[0])


def typed_value(value: str, tag: str) -> Any:
    """The Python value of a scalar as written, given its resolved tag."""
    if tag == BOOL:
        return value == "true"
    if tag == INT:
        return int(value)
    if tag == FLOAT:
        return float(value)
    if tag == NULL:
        return None
    return value
