"""Every rule code paraphe reports, declared once: its severity and what it means.

A diagnostic reads `file:line:col: error: message [rule]`; the rule is one of these codes.
The README's table of rules is generated from this catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Rule:
    code: str  # `topic.subject`, as printed between brackets
    severity: Severity  # a warning is shown and does not stop a build, unless --strict
    summary: str  # one line, in English: what the rule asks of the input


def _catalog(*rules: Rule) -> Mapping[str, Rule]:
    by_code: dict[str, Rule] = {}
    for rule in rules:
        if rule.code in by_code:
            raise ValueError(f"rule {rule.code} declared twice")
        by_code[rule.code] = rule
    return by_code


RULES: Mapping[str, Rule] = _catalog(
    # --- Manifest, build and the other stages: filled in by the validation work (issue 10) ---
    # --- Signing and verification (sign.*, verify.*) ---
)
