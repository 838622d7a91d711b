"""What every build worker would otherwise do again at its first document, done once before they fork.

A worker is forked for each batch. At its first document it imports the rendering and PDF
libraries, checks the template, compiles its parts, cuts the stamps' font down to a subset,
draws the « PROJET » outlines: about a third of a second of CPU for a CTG, each time. Done here,
in the main process, the forked workers share the result. What only some documents need
(the charts' font, the outlines for drafts, a template) is prepared only when two manifests to
build need it (one document's need is met as well in its own worker), read as
`discovery.declared_id` reads ids: a top-level key at the start of a line.
A guess wrong either way costs time, never a different output; a failure here is ignored, and each
document reports it, located, when its worker meets it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from paraphe.manifest.load import MAX_MANIFEST_BYTES
from paraphe.resources import template_path

_KIND_LINE = re.compile(rb"^kind:[ \t]+[\"']?([\w-]+)", re.MULTILINE)
_DRAFT_LINE = re.compile(rb"^status:[ \t]+[\"']?(?:draft|projet)\b", re.MULTILINE)
_IDENTITY_LINE = re.compile(rb"^identity:", re.MULTILINE)  # an identity sheet is what has charts
SHARED = 2  # manifests that need a thing for it to be made before the fork rather than in one worker
MOST_TEMPLATES = 8  # each takes the main process a tenth of a second while no worker has started


def prepare_workers(manifests: Sequence[Path] = ()) -> None:
    """The libraries and the stamps' font, and for `manifests` (those the build may make) what at least
    two of them need, since one document's need is met as well in its own worker: their templates
    checked (against their kind's context shape, made from its specimen) and compiled (the
    `MOST_TEMPLATES` most used), the outlines for drafts, the charts' font for identity sheets."""
    import pikepdf

    import paraphe.assemble
    import paraphe.provenance
    import paraphe.render.docx
    import paraphe.render.template_check  # noqa: F401
    from paraphe.assemble.stamp import DRAFT_WORD
    from paraphe.assemble.typeface import embedded_font, outlined
    from paraphe.render.reference import KINDS

    with contextlib.suppress(Exception):
        embedded_font(pikepdf.Pdf.new())  # its subset is kept for the process
    heads = [_head(manifest) for manifest in manifests]
    if sum(bool(_DRAFT_LINE.search(head)) for head in heads) >= SHARED:
        with contextlib.suppress(Exception):
            outlined(DRAFT_WORD)
    charted = sum(bool(_IDENTITY_LINE.search(head)) for head in heads) >= SHARED
    if charted:
        from paraphe.render.charts import bar_chart

        with contextlib.suppress(Exception):
            bar_chart(("A", "B"), (2.0, 1.0), "%")  # Pillow imported, the font read, once
    used: Counter[tuple[Path, str]] = Counter()
    for manifest, head in zip(manifests, heads, strict=True):
        found = _KIND_LINE.search(head)
        kind = found.group(1).decode() if found else ""
        if kind in KINDS:
            with contextlib.suppress(Exception):
                used[template_path(kind, manifest), kind] += 1
    for (template, kind), count in used.most_common(MOST_TEMPLATES):
        if count >= SHARED:
            with contextlib.suppress(Exception):
                _fill_once(template, kind, charted)
    # What is loaded now lives as long as the process: kept out of the collector's passes, it costs no
    # collection time (3 ms of a CTG's 40), and a forked worker does not copy its pages by visiting it.
    gc.freeze()


def _head(manifest: Path) -> bytes:
    try:
        with manifest.open("rb") as handle:
            return handle.read(MAX_MANIFEST_BYTES)
    except OSError:
        return b""


def _fill_once(template: Path, kind: str, charted: bool) -> None:
    """The template checked (its findings are kept by digest) and filled with its kind's specimen: its
    parts are then patched, compiled and known to be well-formed in this process. Without an identity
    sheet to build, the specimen's is left out, so that no chart is drawn."""
    from paraphe.render.docx import render_docx
    from paraphe.render.reference import specimen
    from paraphe.render.template_check import require_sound_template

    content = template.read_bytes()
    require_sound_template(template, kind, content)
    convention = specimen(kind)
    if not charted:
        convention = dataclasses.replace(convention, identity=None)
    render_docx(convention, template, content)
