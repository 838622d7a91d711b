"""A new convention's first draft: a commented manifest that validates, ready to fill.

`paraphe new KIND PATH` writes it from the kind's defaults (its levels, its usual parties), the
département's `territories.yaml` (the CTG's communauté de communes, the département's name and
code) and its `policy.yaml` (one organisation and signatory for each type it requires). Every
unknown is « [à compléter] »: a draft may hold placeholders, a final may not, so `validate`
tells the secretariat what remains before the convention can be signed.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from paraphe.diagnostics import Location
from paraphe.errors import UsageError
from paraphe.fsutil import atomic_path
from paraphe.i18n import _
from paraphe.manifest.policy import policy_for
from paraphe.manifest.territories import TerritoryList, find_territories_file, load_territories
from paraphe.paths import display_path

KINDS = ("sdsf", "sdavs", "ctg")
SCHEMA_FILE = Path("schemas") / "convention.schema.json"
TODO = "[à compléter]"

_TITLES = {
    "sdsf": "Schéma départemental des services aux familles",
    "sdavs": "Schéma départemental de l'animation de la vie sociale",
    "ctg": "Convention territoriale globale des services aux familles",
}
# Who deliberates to authorise the signature, as a comment to fill in.
_BOARD = "le conseil d'administration"
_ASSEMBLIES = {"epci": "le conseil communautaire", "departement": "la commission permanente", "etat": _BOARD}
_YEARS = {"sdsf": 4, "sdavs": 4, "ctg": 5}


@dataclass(frozen=True)
class _Body:
    """An organisation the draft declares, as a party and a signatory: what each type usually is."""

    key: str
    type: str
    declared: str  # its `organisations` entry (YAML, indented under its key)
    party: str  # « la Caisse d'allocations familiales … » in « Entre … »
    feminine: bool
    called: str
    role: str  # the signatory's quality, masculine by default (a comment says so)
    signatory: str  # the signatory's id


def _bodies(territory_name: str, territory_label: str) -> dict[str, _Body]:
    cc_key = "CC" if territory_name == TODO else f"CC {territory_name}"
    return {
        "caf": _Body(
            "CAF", "caf", f'"Caisse d\'allocations familiales {TODO}"', f"la Caisse d'allocations familiales {TODO}",
            True, "la CAF", "Directeur de la CAF", "directeur-caf",
        ),
        "epci": _Body(
            cc_key, "epci", f"\n    label: {_q(territory_label)}\n    type: epci", _with_article(territory_label),
            True, "la Communauté de communes", "Président de la communauté de communes", "president-cc",
        ),
        "departement": _Body(
            "Département", "departement", f'\n    label: Département\n    name: "Conseil départemental {TODO}"',
            f"le Département {TODO}", False, "le Département", "Président du Conseil départemental",
            "president-departement",
        ),
        "etat": _Body(
            "État", "etat", f'\n    label: État\n    name: "Préfecture {TODO}"', "l'État", False, "l'État", "Préfet",
            "prefet",
        ),
        "msa": _Body(
            "MSA", "msa", f'"Mutualité sociale agricole {TODO}"', f"la Mutualité sociale agricole {TODO}", True,
            "la MSA", "Directeur de la MSA", "directeur-msa",
        ),
    }  # fmt: skip


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def _key(text: str) -> str:
    """A key as typed: bare when YAML reads it as that text, quoted otherwise."""
    return text if re.fullmatch(r"[^\W\d][\w' -]*", text) and not text.endswith(" ") else _q(text)


def _with_article(label: str) -> str:
    return label if label[:3].lower() in ("la ", "le ", "l'", "les") else f"la {label}"


@dataclass(frozen=True)
class Draft:
    path: Path
    kind: str
    territory: str
    schema: str  # the relative path written in the yaml-language-server line
    schema_file: Path  # where that is
    schema_found: bool  # whether that file exists (else `paraphe schema -o` makes it)


def new_convention(kind: str, path: Path, territory: str | None = None, start: int | None = None) -> Draft:
    """Write the first draft of a `kind` convention at `path`; never over an existing file."""
    shown = display_path(path)
    assert kind in KINDS, kind  # the command line offers these only
    if os.path.lexists(path):
        raise UsageError.at(
            Location(shown), _("this file already exists; paraphe new never overwrites one"), "new.exists"
        )
    if path.suffix not in (".yaml", ".yml"):
        raise UsageError.at(Location(shown), _("a manifest's name ends in .yaml"), "new.name")
    convention_id = path.stem.lower()
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", convention_id):
        raise UsageError.at(
            Location(shown),
            _(
                "the file's name gives the convention's id, {id!r}: use lower-case letters, digits and "
                "hyphens (ctg-saint-flour-2025.yaml)",
                id=convention_id,
            ),
            "new.name",
        )
    listed = _territories(path)
    name, label, code = _territory(kind, shown, listed, territory)
    first = start if start is not None else datetime.date.today().year
    schema, found = _schema_reference(path)
    text = _draft_text(kind, convention_id, schema, name, label, code, first, _required_types(kind, path))
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
        # Checked again at the last moment: a file made meanwhile is kept, not replaced.
        if os.path.lexists(path):
            raise UsageError.at(
                Location(shown), _("this file already exists; paraphe new never overwrites one"), "new.exists"
            )
    return Draft(path, kind, name, schema, path.parent / schema, found)


def _territories(path: Path) -> TerritoryList | None:
    found = find_territories_file(path)
    if found is None:
        return None
    listed, problems = load_territories(found)
    if problems:
        raise UsageError(problems)
    return listed


def _territory(
    kind: str, shown: str, listed: TerritoryList | None, territory: str | None
) -> tuple[str, str, str | None]:
    """The territory's name, label and code: a CTG's communauté de communes, a schema's département."""
    if kind == "ctg":
        if listed is not None:
            names = ", ".join(listed.names)
            if territory is None:
                message = _("give the CTG's territory with --territory, one of: {names}", names=names)
                raise UsageError.at(Location(shown), message, "new.territory")
            spelled = listed.find(territory)
            if spelled is None:
                message = _(
                    "{territory!r} is not listed in {file}; expected one of: {names}",
                    territory=territory,
                    file=listed.shown,
                    names=names,
                )
                raise UsageError.at(Location(shown), message, "new.territory")
            territory = spelled
        name = territory or TODO
        # « Saint-Flour Communauté », « Hautes Terres Communauté » name themselves; « Gévaudan » does not.
        named = any(w in name.casefold() for w in ("communauté", "agglomération", "métropole"))
        return name, name if named else f"Communauté de communes {name}", None
    if territory is None and listed is not None:
        return listed.departement, listed.departement, listed.code
    name = territory or TODO
    return name, name, None


def _required_types(kind: str, path: Path) -> list[str]:
    """The organisation types the draft declares: the kind's usual ones, and whatever the policy adds."""
    usual = ["caf", "epci"] if kind == "ctg" else ["caf", "departement", "etat"]
    policy, _ = policy_for(path)  # a broken policy.yaml is reported by `validate`, with its location
    for requirement in policy.of(kind).signatories:
        if not any(t in usual for t in requirement.types):
            usual.append(next((t for t in requirement.types if t in ("departement", "etat", "msa")), "etat"))
    return usual


def _schema_reference(path: Path) -> tuple[str, bool]:
    """The schema's path relative to the manifest: `schemas/convention.schema.json` at the top of the
    conventions repository (the folder holding `conventions/`, or the git root)."""
    folder = path.resolve().parent
    top = folder
    for candidate in (folder, *folder.parents):
        if (candidate / SCHEMA_FILE).is_file():
            top = candidate
            break
        if candidate.name == "conventions":
            top = candidate.parent
            break
        if (candidate / ".git").exists():
            top = candidate
            break
    schema = top / SCHEMA_FILE
    return Path(os.path.relpath(schema, folder)).as_posix(), schema.is_file()


def _draft_text(
    kind: str, convention_id: str, schema: str, name: str, label: str, code: str | None, first: int, types: list[str]
) -> str:
    last = first + _YEARS[kind] - 1
    bodies = _bodies(name, label)
    chosen = [bodies[t] for t in types if t in bodies]
    lines = [
        f"# yaml-language-server: $schema={schema}",
        f"# {_TITLES[kind]} — projet écrit par `paraphe new {kind}`.",
        f"# Remplacez chaque « {TODO} », puis `paraphe validate` dit ce qui manque encore ; passez",
        "# `status` à `final` quand tout est rempli (un « final » n'a plus aucun « [à compléter] »).",
        f"id: {convention_id}",
        f"kind: {kind}",
        "status: draft  # draft : « PROJET » sur chaque page, sans champ de signature ; final : prêt à signer",
        f"title: {_q(_TITLES[kind])}",
        "territory:",
        f"  name: {_q(name)}",
        f"  label: {_q(label)}" + ("" if kind == "ctg" else "  # avec son article (ex. « Département du Cantal »)"),
    ]
    if code:
        lines.append(f"  code: {_q(code)}")
    lines += ["period:", f"  start: {first}", f"  end: {last}"]
    if kind == "ctg":
        lines.append(f"duration: {last - first + 1}")
    lines += ["organisations:  # clé = sigle affiché dans le document ; valeur = nom complet"]
    lines += [f"  {_key(b.key)}:{'' if b.declared.startswith(chr(10)) else ' '}{b.declared}" for b in chosen]
    if kind == "ctg":
        lines += _ctg_lines(chosen)
    lines += _plan_lines(kind)
    lines += [
        "signatories:  # dans l'ordre de la page de signature ; « civility: Madame » ou « Monsieur » une fois connus",
    ]
    for body in chosen:
        lines += [
            f"  - id: {body.signatory}",
            f"    org: {_key(body.key)}",
            f"    role: {_q(body.role)}  # au féminin si besoin (Directrice, Présidente, Préfète)",
            f"    name: {_q(TODO)}",
        ]
    lines += [
        "signature:",
        f"  place: {_q(TODO)}",
        "  # date: AAAA-MM-JJ, ou électronique (« à la date de la dernière signature électronique ») ; obligatoire"
        " dans un « final »",
        "annexes:",
        "  - title: Glossaire des sigles",
        "    generated: glossary",
        "  # - title: Délibération",
        "  #   file: annexes/deliberation.pdf   # un PDF dans le dossier de la convention",
    ]
    return "\n".join(lines) + "\n"


def _ctg_lines(chosen: list[_Body]) -> list[str]:
    lines = ["visas:  # sans « Vu », un texte par ligne", "  - le code de l'action sociale et des familles"]
    lines.append("parties:  # « Entre … Et … » : côté 1, puis côté 2")
    # « D'une part » first: the intercommunality signs « d'autre part ».
    for body in sorted(chosen, key=lambda b: b.type == "epci"):
        side = 2 if body.type == "epci" else 1
        lines += [
            f"  - org: {_key(body.key)}",
            f"    name: {_q(body.party)}",
            f"    gender: {'feminine' if body.feminine else 'masculine'}",
            f"    called: {_q(body.called)}",
            f"    side: {side}",
            "    # deliberation:",
            f"    #   body: {_ASSEMBLIES.get(body.type, _BOARD)}",
            '    #   date: "AAAA-MM-JJ"',
        ]
    return lines


def _plan_lines(kind: str) -> list[str]:
    if kind == "ctg":
        levels = ["  - name: Axe", "  - name: Objectif", "    numbering: upper-alpha", "  - name: Action"]
        tree = [
            "sections:",
            f"  - title: {_q(TODO)}  # l'axe, sans son numéro (« Axe 1 » est calculé)",
            "    diagnostic:",
            f"      - {_q(TODO)}",
            "    sections:",
            f"      - title: {_q(TODO)}",
            "        actions:",
            "          - id: action-1  # stable : gardé d'une version à l'autre",
            f"            title: {_q(TODO)}",
        ]
    else:
        levels = ["  - name: Thématique", "    numbering: none", "  - name: Axe", "  - name: Action"]
        first = (
            ("animation-vie-sociale", "Animation de la vie sociale")
            if kind == "sdavs"
            else ("petite-enfance", "Petite enfance")
        )
        tree = [
            "sections:",
            f"  - id: {first[0]}  # la première thématique",
            f"    title: {first[1]}",
            "    sections:",
            f"      - title: {_q(TODO)}  # l'axe, sans son numéro (« Axe 1 » est calculé)",
            "        actions:",
            "          - id: pe-1-1  # stable : gardé d'une version à l'autre",
            f"            title: {_q(TODO)}",
            "            results:",
            f"              - {_q(TODO)}",
        ]
    return ["levels:  # noms et numérotation de chaque niveau du plan", *levels, *tree]
