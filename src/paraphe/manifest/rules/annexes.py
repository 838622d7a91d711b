"""Annex files: inside the convention's folder, regular PDF files that the sandboxed reader accepts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from paraphe.annexes import read_annex
from paraphe.diagnostics import Diagnostic
from paraphe.i18n import _
from paraphe.manifest.rules.base import Manifest
from paraphe.manifest.source_map import Pointer


def annex_files(manifest: Manifest) -> Iterator[Diagnostic]:
    # Signature fields will bear the signatories' ids: an annex's form field must not.
    reserved = [s["id"] for s in manifest.signatories]
    for i, annex in enumerate(manifest.data.get("annexes", [])):
        if "file" in annex:
            yield from _annex(manifest, annex["file"], ("annexes", i, "file"), reserved)


def _annex(manifest: Manifest, relative: str, pointer: Pointer, reserved: list[str]) -> Iterator[Diagnostic]:
    folder = manifest.path.resolve().parent
    candidate = Path(relative)
    if candidate.is_absolute():
        yield manifest.at(
            pointer, _("annex path {path!r} must be relative to the manifest", path=relative), "annex.path"
        )
        return
    target = (folder / candidate).resolve()
    if not target.is_relative_to(folder):
        yield manifest.at(
            pointer, _("annex {path!r} lies outside the convention's folder", path=relative), "annex.path"
        )
    elif not target.exists():
        yield manifest.at(pointer, _("annex file {path!r} does not exist", path=relative), "annex.missing")
    elif not target.is_file():
        yield manifest.at(pointer, _("annex {path!r} is not a regular file", path=relative), "annex.not-file")
    elif target.suffix.lower() != ".pdf":
        yield manifest.at(pointer, _("annex {path!r} is not a PDF file", path=relative), "annex.type")
    else:
        # What the file holds, inspected in a sandboxed child: the build would insert it as it is.
        _pages, found = read_annex(target, relative, reserved)
        yield from (manifest.at(pointer, message, rule) for message, rule in found)
