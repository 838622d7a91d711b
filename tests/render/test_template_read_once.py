"""A document's template is read once: the bytes checked are the bytes filled and the bytes recorded."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from paraphe.pipeline import load_convention, output_stem, render
from paraphe.resources import template_path
from paraphe.scheduler import Job
from support import LOZERE

_opened: list[str] = []


def _count_opens(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and args and isinstance(args[0], (str, Path)):
        _opened.append(str(args[0]))


sys.addaudithook(_count_opens)  # hooks cannot be removed; this one only appends to a list


def test_the_template_is_read_once_and_its_digest_recorded(tmp_path: Path) -> None:
    convention = load_convention(LOZERE)
    template = template_path(convention.kind, LOZERE)
    render(Job(LOZERE, output_stem(LOZERE, tmp_path)), convention)  # the template check's findings are kept
    _opened.clear()
    rendered = render(Job(LOZERE, output_stem(LOZERE, tmp_path)), convention)
    reads = [p for p in _opened if Path(p).resolve() == template.resolve()]
    assert len(reads) == 1
    assert rendered.record.template == hashlib.sha256(template.read_bytes()).hexdigest()
