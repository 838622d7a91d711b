"""Annex files: inside the convention's folder, regular PDF files that the sandboxed reader accepts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from paraphe.annexes import read_annex
from paraphe.diagnostics import Diagnostic
from paraphe.manifest.load import Pointer
from paraphe.manifest.rules.base import Manifest


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
        yield manifest.at(pointer, f"annex path {relative!r} must be relative to the manifest", "annex.path")
        return
    target = (folder / candidate).resolve()
    if not target.is_relative_to(folder):
        yield manifest.at(pointer, f"annex {relative!r} lies outside the convention's folder", "annex.path")
    elif not target.exists():
        yield manifest.at(pointer, f"annex file {relative!r} does not exist", "annex.missing")
    elif not target.is_file():
        yield manifest.at(pointer, f"annex {relative!r} is not a regular file", "annex.not-file")
    elif target.suffix.lower() != ".pdf":
        yield manifest.at(pointer, f"annex {relative!r} is not a PDF file", "annex.type")
    else:
        # What the file holds, inspected in a sandboxed child: the build would insert it as it is.
        _, found = read_annex(target, relative, reserved)
        yield from (manifest.at(pointer, message, rule) for message, rule in found)
