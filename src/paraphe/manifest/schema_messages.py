"""What a JSON Schema error means, in words: no regular expression, no « property », no `str`.

jsonschema words its errors for programmers (`'2025/06/12' does not match '^[0-9]{4}-…'`); a
secretariat reads « date au format AAAA-MM-JJ, par exemple 2025-06-12 ». Each keyword the schema
uses gets a sentence here, in English and, through the catalogs, in French.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # jsonschema is imported when a manifest is validated, not when a command starts
    from jsonschema.exceptions import ValidationError

from paraphe.i18n import N_, _

# Each pattern of the schema, by the form a value must have. A new pattern without words here is
# shown by its schema description (or, lacking one, as the pattern itself).
_FORMS = {
    "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$": N_("a date in the form YYYY-MM-DD, for example 2025-06-12"),
    "^[a-z0-9]+(-[a-z0-9]+)*$": N_(
        "an id of lower-case letters and digits, joined by hyphens, for example petite-enfance"
    ),
    "^[0-9AB]{2,3}$|^[0-9]{9}$": N_(
        "a geographic code of 2 or 3 characters (48, 2A, 971) or a SIREN number of 9 digits"
    ),
    "^[A-Za-zÀ-ÿŒœ0-9][A-Za-zÀ-ÿŒœ0-9' ’.&-]*$": N_(
        "a key of letters, digits, spaces, apostrophes, periods, & and hyphens, for example CCSS or CC Gévaudan"
    ),
    "^(le |la |les |l'|l’)\\S": N_("the assembly with its article, for example « le conseil communautaire »"),
    "^\\[(à compléter|…)\\]$": N_("a date in the form YYYY-MM-DD, or « [à compléter] » in a draft"),
    "^[0-9]{4}-[0-9]{4}$": N_("a year, or two years joined by a hyphen, for example 2020-2023"),
}

_TYPES = {
    "string": N_("a text"),
    "integer": N_("a whole number"),
    "number": N_("a number"),
    "boolean": N_("true or false"),
    "array": N_("a list"),
    "object": N_("fields (name: value)"),
    "null": N_("nothing"),
}


def schema_message(error: ValidationError) -> str:
    """The words of one schema error, which starts with the field it is about."""
    where = ".".join(str(p) for p in error.absolute_path) or _("manifest")
    value, limit = error.instance, error.validator_value
    match error.validator:
        case "required":
            missing = error.message.removesuffix(" is a required property")
            return _("{where}: the required field {field} is missing", where=where, field=missing)
        case "enum":
            choices = ", ".join(repr(c) for c in limit)
            return _("{where}: {value!r} is not one of {choices}", where=where, value=value, choices=choices)
        case "pattern":
            return _("{where}: {value!r} is not {form}", where=where, value=value, form=_form(error))
        case "not" if len(limit.get("required", [])) > 1:
            fields = _(" and ").join(repr(f) for f in limit["required"])
            return _("{where}: {fields} exclude each other; give one", where=where, fields=fields)
        case "type":
            expected = _(_TYPES.get(str(limit), str(limit)))
            return _(
                "{where}: expected {expected}, found {found} {value!r}",
                where=where,
                expected=expected,
                found=_(_TYPES.get(_json_type(value), _json_type(value))),
                value=value,
            )
        case "minLength":
            return _("{where}: the text is empty", where=where)
        case "maxLength":
            return _("{where}: {count} characters; at most {limit}", where=where, count=len(value), limit=limit)
        case "minimum":
            return _("{where}: {value} is less than the minimum of {limit}", where=where, value=value, limit=limit)
        case "maximum":
            return _("{where}: {value} is greater than the maximum of {limit}", where=where, value=value, limit=limit)
        case "minItems" if limit == 1:
            return _("{where}: the list is empty", where=where)
        case "minItems":
            return _("{where}: {count} item(s); at least {limit}", where=where, count=len(value), limit=limit)
        case "minProperties":
            return _("{where}: nothing is declared here", where=where)
    return f"{where}: {error.message}"


def unknown_field_message(key: str, allowed: Collection[str]) -> str:
    close = difflib.get_close_matches(key, sorted(allowed), n=1)
    if close:
        return _("unknown field {key!r}; did you mean {close!r}?", key=key, close=close[0])
    return _("unknown field {key!r}; expected one of {fields}", key=key, fields=", ".join(sorted(allowed)))


def _form(error: ValidationError) -> str:
    words = _FORMS.get(str(error.validator_value))
    if words is not None:
        return _(words)
    return _("of the expected form ({hint})", hint=error.schema.get("description") or error.validator_value)


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    names = {str: "string", float: "number", list: "array", dict: "object", type(None): "null"}
    return names.get(type(value), type(value).__name__)
