"""A YAML syntax error in words a secretariat acts on: what YAML says, and its likely cause.

PyYAML's messages (« mapping values are not allowed here ») describe the parser, not the text:
each known one is mapped to what people typing a manifest usually did. English keeps PyYAML's
words and adds the cause; other languages give the cause only. An unknown message is shown as
PyYAML words it.
"""

from __future__ import annotations

import re

import yaml

from paraphe.i18n import N_, _

_CAUSES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^mapping values are not allowed here"),
        N_("a text that contains ': ' must be between quotes (\"…\")"),
    ),
    (
        re.compile(r"^found character '\\t' that cannot start any token"),
        N_("a tab in the indentation; indent with spaces"),
    ),
    (
        re.compile(r"^found character '(?P<char>.)' that cannot start any token"),
        N_('a text cannot start with {char}; put it between quotes ("…")'),
    ),
    (
        re.compile(r"^found unexpected end of stream"),
        N_("quotation marks are opened and never closed"),
    ),
    (
        re.compile(r"^could not find expected ':'"),
        N_(
            "a line is neither 'key: value' nor '- item': a key lacks its ':', "
            "or a text going on over several lines is not indented under its key"
        ),
    ),
    (
        re.compile(r"^expected <block end>, but found"),
        N_(
            "the indentation does not match the lines above: "
            "the fields of an item, and the items of a list, start in the same column"
        ),
    ),
    (
        re.compile(r"^expected ',' or '[\]}]', but"),
        N_(
            "a bracket is opened and never closed, "
            'or a text starting with [ or { is not between quotes ("[à compléter]")'
        ),
    ),
)


def yaml_syntax_message(error: yaml.MarkedYAMLError) -> str:
    """The message of a `yaml.syntax` diagnostic."""
    problem = error.problem or error.context or "invalid YAML"
    if "expected a single document" in str(error):
        return _("several YAML documents in one manifest; keep one")
    for pattern, cause in _CAUSES:
        found = pattern.match(problem)
        if found:
            fields = {name: repr(value) for name, value in found.groupdict().items()}
            # A translation may leave PyYAML's English out and keep the cause only.
            return _("{problem}; likely cause: {cause}", problem=problem, cause=_(cause, **fields))
    return problem
