"""Who must sign a kind of convention: national defaults, and a département's own stricter policy.

The national defaults ship with paraphe (`paraphe/data/policy.yaml`) and are minimal and true
everywhere. A département or territory may add its own requirements in a `policy.yaml` beside its
manifests (the same folder as `territories.yaml`, found the same way): requirements add up, a
local file never removes a national one. The file is checked like a manifest, with located
diagnostics in it.

    ctg:
      territory_listed: true          # the CTG's territory must be in territories.yaml
      signatories:
        - {types: [departement], label: le Département}
        - {types: [epci], label: sa communauté de communes, names_territory: true}
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from paraphe.diagnostics import Diagnostic, Location
from paraphe.errors import ManifestError
from paraphe.i18n import _
from paraphe.manifest.french_values import ORGANISATION_TYPE
from paraphe.manifest.load import load_manifest, load_manifest_bytes
from paraphe.manifest.organisations import ORGANISATION_TYPES
from paraphe.manifest.source_map import SourceMap
from paraphe.manifest.territories import find_shared_file

POLICY_FILE = "policy.yaml"
_KINDS = ("sdsf", "sdavs", "ctg")
_KIND_FIELDS = {"signatories", "territory_listed"}
_REQUIREMENT_FIELDS = {"types", "label", "names_territory"}


@dataclass(frozen=True)
class Requirement:
    """At least one signatory represents an organisation of one of `types`."""

    types: tuple[str, ...]
    label: str
    names_territory: bool  # …whose name holds the convention's territory
    location: Location | None  # where a département's file declares it; None for a national default


@dataclass(frozen=True)
class KindPolicy:
    signatories: tuple[Requirement, ...] = ()
    territory_listed: bool = False


@dataclass(frozen=True)
class Policy:
    kinds: dict[str, KindPolicy]
    path: Path | None = None  # the département's file, when there is one

    def of(self, kind: str) -> KindPolicy:
        return self.kinds.get(kind, KindPolicy())


def find_policy_file(manifest: Path) -> Path | None:
    """The nearest policy.yaml in the manifest's folder or above, as for territories.yaml."""
    return find_shared_file(manifest, POLICY_FILE)


@cache
def national_policy() -> Policy:
    from paraphe.resources import POLICY_PATH

    loaded = load_manifest_bytes(POLICY_PATH.read_bytes(), path=Path("policy.yaml"), shown="paraphe/data/policy.yaml")
    kinds, problems = _read(loaded.data, loaded.source, national=True)
    if problems:  # a bug in paraphe's own data, never in the input
        raise RuntimeError(f"paraphe's national policy is invalid: {problems[0]}")
    return Policy(kinds)


def policy_for(manifest: Path) -> tuple[Policy, list[Diagnostic]]:
    """The national defaults plus what the nearest policy.yaml adds, or the located problems of that file."""
    national = national_policy()
    path = find_policy_file(manifest)
    if path is None:
        return national, []
    try:
        loaded = load_manifest(path)
    except ManifestError as exc:
        return national, list(exc.diagnostics)
    local, problems = _read(loaded.data, loaded.source, national=False)
    if problems:
        return national, problems
    kinds = {
        kind: KindPolicy(
            national.of(kind).signatories + local.get(kind, KindPolicy()).signatories,
            national.of(kind).territory_listed or local.get(kind, KindPolicy()).territory_listed,
        )
        for kind in _KINDS
    }
    return Policy(kinds, path), []


def _read(data: Any, source: SourceMap, *, national: bool) -> tuple[dict[str, KindPolicy], list[Diagnostic]]:
    problems: list[Diagnostic] = []

    def problem(pointer: tuple[str | int, ...], message: str, *, key: bool = False) -> None:
        problems.append(Diagnostic(source.locate(pointer, key=key), message, "policy.shape"))

    if not isinstance(data, dict):
        problem((), _("a policy file is a mapping of kinds of convention (sdsf, sdavs, ctg)"))
        return {}, problems
    kinds: dict[str, KindPolicy] = {}
    for kind, body in data.items():
        if kind not in _KINDS:
            problem((kind,), _("unknown kind {kind!r}", kind=kind) + _hint(kind, _KINDS), key=True)
            continue
        if not isinstance(body, dict):
            problem((kind,), _("'{kind}' is a mapping with 'signatories' and 'territory_listed'", kind=kind))
            continue
        for field in body:
            if field not in _KIND_FIELDS:
                problem((kind, field), _("unknown field {key!r}", key=field) + _hint(field, _KIND_FIELDS), key=True)
        listed = body.get("territory_listed", False)
        if not isinstance(listed, bool):
            problem((kind, "territory_listed"), _("'territory_listed' is true or false"))
        raw = body.get("signatories", [])
        if not isinstance(raw, list):
            problem((kind, "signatories"), _("'signatories' lists requirements, one mapping each"))
            raw = []
        requirements = []
        for i, item in enumerate(raw):
            requirement = _requirement(item, (kind, "signatories", i), source, problem, national)
            if requirement is not None:
                requirements.append(requirement)
        kinds[kind] = KindPolicy(tuple(requirements), listed is True)
    return kinds, problems


def _requirement(
    item: Any, pointer: tuple[str | int, ...], source: SourceMap, problem: Any, national: bool
) -> Requirement | None:
    if not isinstance(item, dict):
        problem(pointer, _("a requirement is a mapping: {types: [...], label: ...}"))
        return None
    for field in item:
        if field not in _REQUIREMENT_FIELDS:
            problem(
                pointer + (field,), _("unknown field {key!r}", key=field) + _hint(field, _REQUIREMENT_FIELDS), key=True
            )
    types = item.get("types")
    if not isinstance(types, list) or not types or not all(isinstance(t, str) for t in types):
        problem(pointer, _("'types' lists one or more organisation types"))
        return None
    ok = True
    types = [ORGANISATION_TYPE.get(kind, kind) for kind in types]  # `état` as in a manifest
    for j, kind in enumerate(types):
        if kind not in ORGANISATION_TYPES:
            problem(
                pointer + ("types", j),
                _("unknown organisation type {kind!r}", kind=kind) + _hint(kind, ORGANISATION_TYPES),
            )
            ok = False
    label = item.get("label")
    if not isinstance(label, str) or not label.strip():
        problem(pointer, _("'label' says in words who signs (such as 'the Département')"))
        ok = False
    names = item.get("names_territory", False)
    if not isinstance(names, bool):
        problem(pointer + ("names_territory",), _("'names_territory' is true or false"))
        ok = False
    if not ok:
        return None
    where = None if national else source.locate(pointer)
    return Requirement(tuple(types), str(label), names is True, where)


def _hint(word: str, allowed: Any) -> str:
    close = difflib.get_close_matches(word, sorted(allowed), n=1)
    if close:
        return _("; did you mean {name!r}?", name=close[0])
    return _("; expected one of {choices}", choices=", ".join(sorted(allowed)))
