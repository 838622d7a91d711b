"""Avenants: a signed convention amended from the new version of its manifest.

An avenant's manifest (`kind: avenant`) names the convention it amends (its manifest as
signed, and the signed PDF), the avenant before it, and the convention's new manifest. The
reviewers' diff between the state amended and the new one becomes the avenant's articles
(`wording`), which the secretariat may replace or complete by hand; the result is a
`Convention` of kind `avenant` that renders, builds, signs and verifies as any other.

    load_document(path)   any manifest: an avenant through here, a convention as usual
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from paraphe.diagnostics import blocking
from paraphe.errors import ManifestError
from paraphe.i18n import _
from paraphe.manifest.convention import from_loaded
from paraphe.manifest.load import LoadedManifest, load_manifest, load_manifest_bytes
from paraphe.manifest.model import Convention
from paraphe.manifest.validate import is_avenant

if TYPE_CHECKING:
    from paraphe.avenant.chain import Chain

__all__ = ["load_avenant", "load_consolidated", "load_document", "load_document_bytes"]


def load_document(path: Path, *, strict: bool = False) -> Convention:
    """Load, validate and model a manifest, avenant or convention; ManifestError lists every problem."""
    loaded = load_manifest(path)
    if is_avenant(loaded):
        return load_avenant(loaded, strict=strict)
    return from_loaded(loaded, strict=strict)


def load_document_bytes(content: bytes, *, path: Path, shown: str, strict: bool = False) -> Convention:
    """The same for a manifest given by its content, standing at `path` (a version git keeps)."""
    loaded = load_manifest_bytes(content, path=path, shown=shown)
    if is_avenant(loaded):
        return load_avenant(loaded, strict=strict)
    return from_loaded(loaded, strict=strict)


def load_avenant(loaded: LoadedManifest, *, strict: bool = False) -> Convention:
    return _avenant(loaded, strict)[0]


def load_consolidated(path: Path, *, strict: bool = False) -> Convention:
    """The convention as the avenant at `path` leaves it, marked as a reading copy (« Version consolidée … »).

    The avenant is loaded and checked as for its own build: a consolidated copy of an avenant
    that would not build is not made either.
    """
    loaded = load_manifest(path)
    if not is_avenant(loaded):
        where = loaded.source.locate(("kind",))
        message = _("a consolidated copy is the convention as an avenant leaves it: give avenants (kind: avenant)")
        raise ManifestError.at(where, message, "avenant.kind")
    from paraphe.avenant.compose import consolidated_mark

    avenant, chain = _avenant(loaded, strict)
    assert avenant.amendment is not None
    numbered = [*((e.number, e.signed_on) for e in avenant.amendment.earlier), (avenant.amendment.number,
                avenant.signature_date)]  # fmt: skip
    # The new convention (its fingerprint is the new manifest's), built under the avenant's name: a change
    # to the avenant's bytes or to any convention it read makes it stale.
    return dataclasses.replace(
        chain.new.convention,
        reading_copy=consolidated_mark(numbered),
        reads=((loaded.path.resolve(), loaded.digest), *chain.reads),
    )


def _avenant(loaded: LoadedManifest, strict: bool) -> tuple[Convention, Chain]:
    # Loaded with the first avenant: the chain reads signed states through the reviewers' diff, which a
    # build of conventions alone, or a rebuild with nothing to do, does not need.
    from paraphe.avenant.chain import read_chain, require_shape
    from paraphe.avenant.compose import avenant_model

    require_shape(loaded)
    chain = read_chain(loaded)
    convention, problems = avenant_model(loaded, chain)
    if blocking(problems, strict=strict):
        raise ManifestError(problems)
    return convention, chain
