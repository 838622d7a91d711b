"""jsonschema's Draft 2020-12 validator, with three shortcuts that give the same errors in a third of the time.

Validating a long SDSF took half its loading: jsonschema looks each `$ref` up through `referencing`
(some 9 000 look-ups), makes a validator for each value it descends into, and, for a `oneOf`,
collects every branch's errors before finding that one branch fits. So:

- a `$ref` to one of the schema's own `$defs` is followed directly: our schemas have one base URI
  (`$id` at the root only) and no dynamic reference, so `#/$defs/name` is `schema["$defs"]["name"]`
  under the same resolver, what jsonschema descends into, with the same paths;
- a value its definition plainly accepts (a string by its length and pattern: `text`, `slug`,
  `date`…) is not descended into: jsonschema's `type`, `minLength`, `maxLength` and `pattern`
  keywords, which check it the same way, would say nothing;
- jsonschema's `oneOf` reports nothing exactly when one branch is valid: that case is settled by
  telling each branch apart cheaply where its type or plain definition decides (a mapping is no
  string), with jsonschema's `is_valid` otherwise; any other case is jsonschema's own `oneOf`.

Anything else is jsonschema's own, and a schema these assumptions do not hold for gets the stock
validator. tests/manifest/test_schema_validator.py compares the errors on every YAML file of the
repository and on a thousand variants.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema
    from jsonschema.exceptions import ValidationError

_DEFS = "#/$defs/"
_DEF_NAME = re.compile(r"[A-Za-z0-9_]+")
_ANNOTATIONS = ("title", "description")
# What jsonschema's Draft 2020-12 type checker means by these types: exactly these Python types.
_PYTHON_TYPES: dict[str, type] = {"object": dict, "string": str, "array": list}

Verdict = Callable[[Any], bool | None]  # True: valid, False: invalid, None: ask jsonschema


def validator_class(schema: dict[str, Any]) -> type[jsonschema.Draft202012Validator]:
    """The validator class for `schema`: Draft 2020-12 with the shortcuts, or the stock one."""
    from jsonschema import Draft202012Validator, validators

    stock: type[jsonschema.Draft202012Validator] = Draft202012Validator
    if _ids_below_root(schema) or "$dynamicRef" in json.dumps(schema):
        return stock  # a base URI or a dynamic scope would matter: looked up as usual
    defs = schema.get("$defs", {})
    plain = {name: check for name, definition in defs.items() if (check := plain_string(definition)) is not None}
    verdicts = {id(branch): _verdict(branch, defs, plain) for branch in _one_of_branches(schema)}
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
            verdict = verdicts[id(branch)](instance) if id(branch) in verdicts else None
            valid += validator.evolve(schema=branch).is_valid(instance) if verdict is None else verdict
            if valid > 1:
                break
        if valid != 1:
            yield from one_of(validator, branches, instance, subschema)

    extended: type[Draft202012Validator] = validators.extend(
        Draft202012Validator, {"$ref": ref, "oneOf": settled_one_of}
    )
    return extended


def plain_string(definition: Any) -> Callable[[Any], bool] | None:
    """For a definition of a string by its length and pattern only, what jsonschema's `type`,
    `minLength`, `maxLength` and `pattern` keywords accept, checked as they check it; None for
    any other definition."""
    if not isinstance(definition, dict):
        return None
    rules = {key: value for key, value in definition.items() if key not in _ANNOTATIONS}
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


def _verdict(branch: Any, defs: dict[str, Any], plain: dict[str, Callable[[Any], bool]]) -> Verdict:
    """Whether a value fits a `oneOf` branch, where it is plain: a string its plain definition
    accepts fits; a value not of the branch's type (`object`, `string`, `array`) does not, since
    jsonschema's `type` keyword refuses it; else None."""
    target = branch
    if isinstance(branch, dict) and set(branch) - set(_ANNOTATIONS) == {"$ref"} and branch["$ref"].startswith(_DEFS):
        target = defs.get(branch["$ref"][len(_DEFS) :], {})
    accepted = plain_string(target)
    declared = target.get("type") if isinstance(target, dict) else None
    expected = _PYTHON_TYPES.get(declared) if isinstance(declared, str) else None

    def verdict(instance: Any) -> bool | None:
        if accepted is not None and accepted(instance):
            return True
        if expected is not None and not isinstance(instance, expected):
            return False
        return None

    return verdict


def _one_of_branches(schema: Any) -> Iterator[Any]:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "oneOf" and isinstance(value, list):
                yield from value
            yield from _one_of_branches(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _one_of_branches(value)


def _ids_below_root(schema: Any, root: bool = True) -> bool:
    if isinstance(schema, dict):
        if not root and ("$id" in schema or "$anchor" in schema or "$dynamicAnchor" in schema):
            return True
        return any(_ids_below_root(value, False) for value in schema.values())
    if isinstance(schema, list):
        return any(_ids_below_root(value, False) for value in schema)
    return False
