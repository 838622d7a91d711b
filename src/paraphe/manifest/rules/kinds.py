"""Fields a kind's template never prints: written there, they would vanish from the document silently."""

from __future__ import annotations

from collections.abc import Iterator

from paraphe.diagnostics import Diagnostic
from paraphe.i18n import _
from paraphe.manifest.rules.base import Manifest
from paraphe.manifest.source_map import Pointer

# Fields only the CTG template prints. An SDSF may open like a convention: parties, visas, opening.
_CTG_ONLY = ("diagnostic", "steering", "court", "plan", "articles", "article_heading", "article_numbering")

# Fields only the schémas' template (sdsf, sdavs) prints.
_SCHEMA_ONLY = ("parts", "part_levels", "contents", "preamble_title")


def _ignored(manifest: Manifest, pointer: Pointer, printed_in: str) -> Diagnostic:
    kind = manifest.data["kind"]
    return manifest.at(
        pointer,
        _(
            "{field!r} is printed only in {kinds}; the {kind} template ignores it",
            field=pointer[-1],
            kinds=printed_in,
            kind=kind,
        ),
        "kind.field",
        key=True,
    )


def fields_the_template_prints(manifest: Manifest) -> Iterator[Diagnostic]:
    data = manifest.data
    if data["kind"] != "ctg":
        yield from (_ignored(manifest, (key,), _("a ctg")) for key in _CTG_ONLY if key in data)
        for i, party in enumerate(data.get("parties", [])):
            if "commitments" in party:
                yield _ignored(manifest, ("parties", i, "commitments"), _("a ctg (« Engagements des parties »)"))
        if "parties" not in data:
            # A schéma prints its visas and opening with its parties, when it opens like a convention.
            for key in ("visas", "opening"):
                if key in data:
                    yield _ignored(manifest, (key,), _("a ctg, or a schéma that names its 'parties'"))
        return
    yield from (_ignored(manifest, (key,), _("an sdsf or sdavs")) for key in _SCHEMA_ONLY if key in data)
    for i, annex in enumerate(data.get("annexes", [])):
        if annex.get("generated") == "fiches":
            yield _ignored(
                manifest, ("annexes", i, "generated"), _("an sdsf or sdavs (a ctg prints its plan in its article)")
            )
    for pointer, section, _depth in manifest.sections():
        if "orientations" in section:
            yield _ignored(
                manifest, pointer + ("orientations",), _("an sdsf or sdavs (write them as the section's 'text')")
            )
