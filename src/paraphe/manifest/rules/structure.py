"""The shape of the plan: depth against 'levels', parts at the top, no empty section in a final text."""

from __future__ import annotations

from collections.abc import Iterator

from paraphe.diagnostics import Diagnostic
from paraphe.i18n import _
from paraphe.manifest.rules.base import Manifest

# What makes a section worth printing on its own.
_CONTENT = ("sections", "actions", "text", "diagnostic")


def depth_within_levels(manifest: Manifest) -> Iterator[Diagnostic]:
    """Each depth of the tree takes its name and numbering from 'levels': a deeper item would have none."""
    levels = len(manifest.data["levels"])
    for pointer, section, depth in manifest.sections():
        if depth >= levels:
            yield manifest.at(
                pointer,
                _("this section is at depth {depth} but 'levels' names only {levels}", depth=depth + 1, levels=levels),
                "levels.depth",
            )
        for j, _action in enumerate(section.get("actions", [])):
            if depth + 1 >= levels:
                yield manifest.at(
                    pointer + ("actions", j),
                    _(
                        "this action is at depth {depth} but 'levels' names only {levels}",
                        depth=depth + 2,
                        levels=levels,
                    ),
                    "levels.depth",
                )


def parts_at_top(manifest: Manifest) -> Iterator[Diagnostic]:
    for pointer, section, depth in manifest.sections():
        if "part" in section and depth:
            yield manifest.at(pointer + ("part",), _("only top-level sections belong to a part"), "part.depth")


def final_sections_not_empty(manifest: Manifest) -> Iterator[Diagnostic]:
    # A draft may keep a section to fill in later (an objective whose actions are still to write).
    if not manifest.is_final:
        return
    for pointer, section, _depth in manifest.sections():
        if not any(k in section for k in _CONTENT):
            yield manifest.at(
                pointer,
                _("section {title!r} has neither sections, actions nor text", title=section["title"]),
                "section.empty",
            )
