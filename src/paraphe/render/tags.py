"""docxtpl's reading of a template's XML, and what it misses: quotes LibreOffice writes as entities.

docxtpl joins a tag's runs and turns Word's curly quotes, `&lt;` and `&gt;` inside tags back into
what Jinja reads; a template saved by LibreOffice writes `"` as `&quot;` (and `'` as `&apos;`),
which docxtpl leaves, so `{%p if line.kind == "party" %}` no longer parses. The renderer and
`templates check` both read templates through `ParapheTemplate`.
"""

from __future__ import annotations

import re

from docxtpl import DocxTemplate

_INSIDE_TAG = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})", re.DOTALL)
_ENTITIES = {"&quot;": '"', "&#34;": '"', "&apos;": "'", "&#39;": "'"}


def _unescaped(match: re.Match[str]) -> str:
    text = match.group(0)
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    return text


class ParapheTemplate(DocxTemplate):  # type: ignore[misc]
    """docxtpl's template, with quotes inside tags read as quotes however the editor wrote them."""

    def patch_xml(self, src_xml: str) -> str:
        return _INSIDE_TAG.sub(_unescaped, super().patch_xml(src_xml))


def patched(xml: str) -> str:
    """`xml` as the renderer hands it to Jinja (without the rendering)."""
    return ParapheTemplate.patch_xml(ParapheTemplate.__new__(ParapheTemplate), xml)
