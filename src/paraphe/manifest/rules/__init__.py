"""The rules no schema can say, one concern each, grouped by topic.

Each rule reads a manifest the schema has accepted and yields located diagnostics; its codes
and their severities are declared in `paraphe.catalog`. Diagnostics are sorted by place
afterwards, so the order below only decides between two findings at the same place.
"""

from __future__ import annotations

from collections.abc import Iterator

from paraphe.diagnostics import Diagnostic
from paraphe.manifest.load import LoadedManifest
from paraphe.manifest.rules import (
    annexes,
    articles,
    calendar,
    ctg,
    final,
    kinds,
    parties,
    references,
    signatories,
    signatory_names,
    structure,
    unused,
)
from paraphe.manifest.rules.base import Check, Manifest

CHECKS: tuple[Check, ...] = (
    calendar.period_order,
    calendar.period_duration,
    calendar.dates_exist,
    structure.depth_within_levels,
    structure.parts_at_top,
    structure.final_sections_not_empty,
    references.unique_ids,
    references.reserved_signatory_id,
    references.glossary_apart_from_organisations,
    references.declared_organisations,
    references.declared_parts,
    references.declared_markers,
    calendar.action_calendars,
    annexes.annex_files,
    kinds.fields_the_template_prints,
    signatories.required_signatories,
    ctg.ctg_territory,
    articles.article_keys,
    articles.article_omitted_whole,
    articles.template_articles_listed,
    articles.article_heading,
    parties.parties_named,
    parties.party_organisations,
    parties.party_representatives,
    parties.party_sides,
    parties.signatories_represent_parties,
    final.no_placeholder,
    final.signature_complete,
    final.real_territory,
    signatory_names.names_findable,
    unused.unused_organisations,
    unused.unused_glossary,
    unused.unused_markers,
)


def run(loaded: LoadedManifest) -> Iterator[Diagnostic]:
    """Every rule's findings on a manifest the schema has accepted."""
    manifest = Manifest(loaded)
    for check in CHECKS:
        yield from check(manifest)
