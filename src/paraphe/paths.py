"""How paraphe shows a path to its user: every stage names files the same way."""

from __future__ import annotations

import functools
import os
from pathlib import Path


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(_working_folder(os.getcwd())))
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=8)
def _working_folder(name: str) -> Path:
    """The working folder resolved, by its name (the kernel's, already without links): a process seldom
    changes it, and some twenty paths a document are shown against it."""
    return Path(name).resolve()


def output_stem(manifest: Path, out: Path) -> Path:
    """`conventions/X/Y.yaml` → `out/X/Y`; elsewhere, `out/<folder>/<name>`."""
    resolved = manifest.resolve()
    parts = resolved.parts
    if "conventions" in parts:
        index = len(parts) - 1 - parts[::-1].index("conventions")
        relative = Path(*parts[index + 1 :])
    else:
        relative = Path(resolved.parent.name, resolved.name)
    return out / relative.with_suffix("")
