"""A final convention is complete: nothing left to fill in, nothing only an example."""

from __future__ import annotations

from collections.abc import Iterator

from paraphe.diagnostics import Diagnostic
from paraphe.i18n import _
from paraphe.manifest.rules.base import Manifest, strings
from paraphe.placeholders import is_placeholder


def no_placeholder(manifest: Manifest) -> Iterator[Diagnostic]:
    if not manifest.is_final:
        return
    if not any(is_placeholder(text) for texts in manifest.texts.values() for text in texts):
        return
    for pointer, text in strings(manifest.data):
        if is_placeholder(text):
            yield manifest.at(
                pointer, _("{text!r} is a placeholder; a final convention has none", text=text), "final.placeholder"
            )


def signature_complete(manifest: Manifest) -> Iterator[Diagnostic]:
    if not manifest.is_final:
        return
    if "date" not in manifest.data["signature"]:
        yield manifest.at(("signature",), _("a final convention has a signature date"), "final.incomplete")
    for i, signatory in enumerate(manifest.signatories):
        if "civility" not in signatory:
            yield manifest.at(
                ("signatories", i), _("signatory {id!r} has no civility", id=signatory["id"]), "final.incomplete"
            )


def real_territory(manifest: Manifest) -> Iterator[Diagnostic]:
    if manifest.is_final and "example" in manifest.data["territory"]:
        yield manifest.at(
            ("territory", "example"),
            _("an example territory cannot be signed; name the real territory and remove 'example'"),
            "final.example",
        )
