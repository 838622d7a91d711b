"""Who must sign a kind of convention: the national defaults and the département's policy.yaml."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from paraphe.diagnostics import Diagnostic
from paraphe.i18n import _
from paraphe.manifest.organisations import organisation_type
from paraphe.manifest.policy import Requirement, policy_for
from paraphe.manifest.rules.base import Manifest
from paraphe.manifest.territories import fold
from paraphe.paths import display_path


def required_signatories(manifest: Manifest) -> Iterator[Diagnostic]:
    policy, problems = policy_for(manifest.path)
    yield from problems
    organisations = manifest.organisations
    territory = manifest.data["territory"]["name"]
    signed_by = [
        (organisation_type(s["org"], organisations[s["org"]]), s["org"])
        for s in manifest.signatories
        if s["org"] in organisations
    ]
    kind = manifest.data["kind"]
    for requirement in policy.of(kind).signatories:
        if any(_meets(requirement, t, key, organisations[key], territory) for t, key in signed_by):
            continue
        yield manifest.at(
            ("signatories",), _message(kind, requirement, territory, policy.path), "signatories.required", key=True
        )


def _meets(requirement: Requirement, kind: str, key: str, value: Any, territory: str) -> bool:
    return kind in requirement.types and (not requirement.names_territory or _names(value, key, territory))


def _names(value: Any, key: str, territory: str) -> bool:
    name = value if isinstance(value, str) else value.get("name", value["label"])
    label = key if isinstance(value, str) else value["label"]
    return fold(territory) in fold(name) or fold(territory) in fold(label)


def _message(kind: str, requirement: Requirement, territory: str, path: Any) -> str:
    types = _(" or ").join(repr(t) for t in requirement.types)
    if requirement.names_territory:
        what = _(
            "an organisation of type {types} whose name contains « {territory} »", types=types, territory=territory
        )
    else:
        what = _("an organisation of type {types}", types=types)
    if requirement.location is None:
        source = _("a national rule")
    else:
        source = _("required by {place}", place=f"{display_path(path)}:{requirement.location.line}")
    return _(
        "a {kind} is signed by {label}: no signatory represents {what} ({source})",
        kind=kind,
        label=requirement.label,
        what=what,
        source=source,
    )
