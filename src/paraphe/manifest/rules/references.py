"""Names that must point at something declared, and ids that must be unique."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from paraphe.diagnostics import Diagnostic
from paraphe.i18n import N_, _, ngettext
from paraphe.manifest.rules.base import Manifest
from paraphe.manifest.source_map import Pointer
from paraphe.names import CERTIFICATION_FIELD


def _duplicates(manifest: Manifest, message: str, ids: Iterable[tuple[str, Pointer]]) -> Iterator[Diagnostic]:
    """`message` (marked with N_, translated here) names the kind of id, its {id!r} and the {line} of its first use."""
    first: dict[str, Pointer] = {}
    for value, pointer in ids:
        seen = first.setdefault(value, pointer)
        if seen != pointer:
            line = manifest.source.locate(seen).line
            yield manifest.at(pointer, _(message, id=value, line=line), "id.unique")


def unique_ids(manifest: Manifest) -> Iterator[Diagnostic]:
    """Ids are stable names (diff pairs actions by them, signature fields are named after signatories)."""
    sections = ((s["id"], p + ("id",)) for p, s, _ in manifest.sections() if "id" in s)
    yield from _duplicates(manifest, N_("section id {id!r} is already used at line {line}"), sections)
    actions = ((a["id"], p + ("id",)) for p, a, _ in manifest.actions())
    yield from _duplicates(manifest, N_("action id {id!r} is already used at line {line}"), actions)
    signatories = ((s["id"], ("signatories", i, "id")) for i, s in enumerate(manifest.signatories))
    yield from _duplicates(manifest, N_("signatory id {id!r} is already used at line {line}"), signatories)
    parts = (
        (part["id"], p + ("id",)) for p, part in _parts(manifest.data.get("parts", []), ("parts",)) if "id" in part
    )
    yield from _duplicates(manifest, N_("part id {id!r} is already used at line {line}"), parts)


def reserved_signatory_id(manifest: Manifest) -> Iterator[Diagnostic]:
    for i, signatory in enumerate(manifest.signatories):
        if signatory["id"] == CERTIFICATION_FIELD:
            yield manifest.at(
                ("signatories", i, "id"),
                _(
                    "{id!r} names the secretariat's certification field; give this signatory another id",
                    id=CERTIFICATION_FIELD,
                ),
                "id.reserved",
            )


def glossary_apart_from_organisations(manifest: Manifest) -> Iterator[Diagnostic]:
    """One acronym, one meaning: the generated glossary merges both lists."""
    clashes = set(manifest.data.get("glossary", {})) & set(manifest.organisations)
    for key in sorted(clashes):
        yield manifest.at(
            ("glossary", key), _("{key!r} is already declared under 'organisations'", key=key), "id.unique"
        )


def declared_organisations(manifest: Manifest) -> Iterator[Diagnostic]:
    """Actors and signatories (parties: see the parties' rules) name declared organisations."""
    organisations = manifest.organisations
    for pointer, action, _depth in manifest.actions():
        for k, actor in enumerate(action.get("actors", [])):
            key = actor if isinstance(actor, str) else actor.get("org")
            if key is not None and key not in organisations:
                yield manifest.at(
                    pointer + ("actors", k),
                    _("actor {key!r} is not declared under 'organisations'", key=key),
                    "ref.organisation",
                )
    for i, signatory in enumerate(manifest.signatories):
        if signatory["org"] not in organisations:
            yield manifest.at(
                ("signatories", i, "org"),
                _("signatory's organisation {org!r} is not declared under 'organisations'", org=signatory["org"]),
                "ref.organisation",
            )


def _parts(raws: list[Any], pointer: Pointer) -> Iterator[tuple[Pointer, dict[str, Any]]]:
    """Every part and sub-part with where it is, in reading order."""
    for i, part in enumerate(raws):
        here = pointer + (i,)
        yield here, part
        yield from _parts(part.get("parts", []), here + ("parts",))


def declared_parts(manifest: Manifest) -> Iterator[Diagnostic]:
    part_ids = {part["id"] for _, part in _parts(manifest.data.get("parts", []), ("parts",)) if "id" in part}
    for pointer, section, depth in manifest.sections():
        # A nested section's part is wrong whatever it names (part.depth).
        if "part" in section and not depth and section["part"] not in part_ids:
            yield manifest.at(
                pointer + ("part",),
                _("unknown part {part!r}; declare it under 'parts'", part=section["part"]),
                "ref.part",
            )


def declared_markers(manifest: Manifest) -> Iterator[Diagnostic]:
    markers = set(manifest.data.get("markers", {}))
    for pointer, section, _depth in manifest.sections():
        for k, key in enumerate(section.get("legend", [])):
            if key not in markers:
                yield manifest.at(pointer + ("legend", k), _undeclared_marker(key), "ref.marker")
    for pointer, action, _depth in manifest.actions():
        for k, key in enumerate(action.get("markers", [])):
            if key not in markers:
                yield manifest.at(pointer + ("markers", k), _undeclared_marker(key), "ref.marker")


def _undeclared_marker(key: str) -> str:
    return _("marker {key!r} is not declared under 'markers'", key=key)


def table_rows_fit(manifest: Manifest) -> Iterator[Diagnostic]:
    """A row with more or fewer cells than the table has columns would shift or drop its values."""
    for pointer, part in _parts(manifest.data.get("parts", []), ("parts",)):
        for b, block in enumerate(part.get("text", [])):
            if not isinstance(block, dict) or "table" not in block:
                continue
            columns = len(block["table"]["columns"])
            for r, row in enumerate(block["table"]["rows"]):
                if len(row) != columns:
                    yield manifest.at(
                        pointer + ("text", b, "table", "rows", r),
                        ngettext(
                            "this row has {n} cell but the table has {columns} columns",
                            "this row has {n} cells but the table has {columns} columns",
                            len(row),
                            columns=columns,
                        ),
                        "chapter.table",
                    )
