"""Names that several stages must agree on: the build makes them, validation reserves them, verify checks them."""

from __future__ import annotations

# The signature field of the secretariat's certification, added to every final document.
CERTIFICATION_FIELD = "certification"
# Field names no signatory and no annex may take: the build gives them their meaning.
RESERVED_FIELDS = (CERTIFICATION_FIELD,)
