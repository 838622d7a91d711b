"""The font paraphe draws with (footers, stamps, watermark): Liberation Sans, the templates' own.

It is embedded in every PDF paraphe writes (PDF/A forbids relying on a reader's fonts), so it
must be installed here: `make setup` installs Debian's fonts-liberation.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

from paraphe.diagnostics import Location
from paraphe.errors import ParapheError
from paraphe.i18n import _

FAMILY = "Liberation Sans"
_FILES = {False: "LiberationSans-Regular.ttf", True: "LiberationSans-Bold.ttf"}
# Where Debian, Fedora and Arch put fonts-liberation; fontconfig is asked only if none holds it.
_FOLDERS = (
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/liberation-sans"),
    Path("/usr/share/fonts/liberation"),
)
FONT_DIR_SETTING = "PARAPHE_FONT_DIR"


def font_path(bold: bool = False) -> Path:
    """The Liberation Sans file (regular or bold); ParapheError (build.font) when it is not installed.

    $PARAPHE_FONT_DIR names the folder to take it from instead (read at each call).
    """
    return _find(bold, os.environ.get(FONT_DIR_SETTING) or None)


@functools.cache
def _find(bold: bool, configured: str | None) -> Path:
    name = _FILES[bold]
    folders = (Path(configured),) if configured else _FOLDERS
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    found = None if configured else _fontconfig(bold)
    if found is not None and found.name == name:
        return found
    if configured:
        where, message = Location(FONT_DIR_SETTING), _("{name} is not in this folder", name=name)
    else:
        where, message = (
            Location(FAMILY),
            _("{name} is not installed: install fonts-liberation (`make setup`)", name=name),
        )
    raise ParapheError.at(where, message, "build.font")


def _fontconfig(bold: bool) -> Path | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    pattern = FAMILY + (":bold" if bold else ":regular")
    try:
        done = subprocess.run(
            [fc_match, "-f", "%{file}", pattern], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None
