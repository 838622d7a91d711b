"""Whether a manifest fits its schema, said by jsonschema-rs: the common case of validation.

jsonschema-rs compiles the schema (Rust) and says only whether a value is valid, a hundred times
faster than jsonschema finds that there is nothing to say. It is trusted only when it accepts: a
value it refuses is validated by jsonschema, which decides and words the problems.

Its regular expressions are ECMA-262's where jsonschema's are Python's. On the texts a manifest can
hold (control characters are refused when it is read) the two differ only where ECMA-262 is the
stricter (`$` before a final line break), so what it accepts jsonschema accepts:
tests/manifest/test_schema_validator.py checks it on every manifest of the repository and on a
thousand variants, and the tests run with `PARAPHE_CHECK_SCHEMA=1`, which asks jsonschema as well
each time jsonschema-rs accepts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from functools import cache
from importlib.resources.abc import Traversable
from typing import Any

CHECK_VARIABLE = "PARAPHE_CHECK_SCHEMA"


@cache
def compiled_validator(schema: Traversable) -> Any:
    """jsonschema-rs's validator of the schema file; None without jsonschema-rs (a platform without its
    wheel: jsonschema alone decides, slower, with the same verdicts)."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    return jsonschema_rs.validator_for(json.loads(schema.read_text(encoding="utf-8")))


def accepted(schema: Traversable, data: Any, reference_errors: Callable[[], Iterable[Any]]) -> bool:
    """Whether jsonschema-rs finds `data` valid against `schema`. `reference_errors`: jsonschema's
    errors, asked only under the check, which stops on any."""
    quick = compiled_validator(schema)  # type: ignore[arg-type]  # the resources' paths: files, hashable
    try:
        valid = quick is not None and bool(quick.is_valid(data))
    except (ValueError, TypeError, OverflowError):  # a value it cannot take: jsonschema decides
        valid = False
    if valid and os.environ.get(CHECK_VARIABLE) == "1":
        found = [getattr(error, "message", error) for error in reference_errors()]
        if found:
            raise AssertionError(f"jsonschema-rs accepted what jsonschema refuses: {found}")
    return valid
