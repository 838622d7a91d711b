"""What a placeholder looks like: text a draft leaves to fill in, which a final convention may not hold.

Validation refuses placeholders in a final convention (`is_placeholder`: INLINE or WHOLE); rendering
highlights the INLINE ones in a draft so the secretariat sees at a glance what is left to fill. A
value that is only « … » or TODO is refused in a final but not highlighted: in a rendered run,
« … » alone is ordinary typography.
"""

from __future__ import annotations

import re

# Inside a sentence: « [à compléter] », « [à préciser : date] », « […] », « [..] », « [XX] », « [??] », « [___] ».
INLINE = re.compile(
    r"\[\s*(?:à|a)\s+(?:compl[ée]ter|pr[ée]ciser)[^\]]*\]|\[\s*(?:…|\.{2,}|_*|x{2,}|\?+)\s*\]",
    re.IGNORECASE,
)

# What a draft writes where a value is not known yet; rendering highlights it.
TO_COMPLETE = "[à compléter]"

# A whole value that is only an ellipsis, dots, underscores, X or TODO. Only a manifest's values are
# checked this way: in a rendered document a run holding « … » alone is ordinary typography.
WHOLE = re.compile(r"^\s*(?:…|\.{3,}|_{3,}|x{3,}|todo|tbd)\s*$", re.IGNORECASE)


def is_placeholder(text: str) -> bool:
    """A manifest value that holds, or is, a placeholder."""
    return INLINE.search(text) is not None or WHOLE.search(text) is not None
