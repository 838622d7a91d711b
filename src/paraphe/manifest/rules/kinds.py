"""Fields a kind's template never prints: written there, they would vanish from the document silently."""

from __future__ import annotations

from collections.abc import Iterator

from paraphe.diagnostics import Diagnostic
from paraphe.manifest.load import Pointer
from paraphe.manifest.rules.base import Manifest

# Fields only the CTG template prints. An SDSF may open like a convention: parties, visas, opening.
_CTG_ONLY = ("diagnostic", "steering", "court", "plan", "articles", "article_heading", "article_numbering")

# Fields only the schémas' template (sdsf, sdavs) prints.
_SCHEMA_ONLY = ("parts",)


def _ignored(manifest: Manifest, pointer: Pointer, printed_in: str) -> Diagnostic:
    kind = manifest.data["kind"]
    return manifest.at(
        pointer,
        f"{pointer[-1]!r} is printed only in {printed_in}; the {kind} template ignores it",
        "kind.field",
        key=True,
    )


def fields_the_template_prints(manifest: Manifest) -> Iterator[Diagnostic]:
    data = manifest.data
    if data["kind"] != "ctg":
        yield from (_ignored(manifest, (key,), "a ctg") for key in _CTG_ONLY if key in data)
        for i, party in enumerate(data.get("parties", [])):
            if "commitments" in party:
                yield _ignored(manifest, ("parties", i, "commitments"), "a ctg (« Engagements des parties »)")
        if "parties" not in data:
            # A schéma prints its visas and opening with its parties, when it opens like a convention.
            for key in ("visas", "opening"):
                if key in data:
                    yield _ignored(manifest, (key,), "a ctg, or a schéma that names its 'parties'")
        return
    yield from (_ignored(manifest, (key,), "an sdsf or sdavs") for key in _SCHEMA_ONLY if key in data)
    for pointer, section, _depth in manifest.sections():
        if "orientations" in section:
            yield _ignored(
                manifest, pointer + ("orientations",), "an sdsf or sdavs (write them as the section's 'text')"
            )
