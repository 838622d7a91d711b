"""Where the fonts paraphe embeds are: Liberation Sans, found through fontconfig (fc-match).

Liberation Sans has Arial's metrics and is free to embed; `make setup` installs it
(fonts-liberation). Its regular and bold files are found by name, so a system that puts them
elsewhere still works.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from paraphe.diagnostics import Location
from paraphe.errors import ParapheError

FAMILY = "Liberation Sans"
# Where Debian puts them, when fontconfig is not there to say.
_KNOWN = {
    False: Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
    True: Path("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
}


class FontError(ParapheError):
    """A font paraphe embeds cannot be found."""


@functools.cache
def font_path(bold: bool = False) -> Path:
    """The file of Liberation Sans, regular or bold (FontError when it is not installed)."""
    style = "Bold" if bold else "Regular"
    matcher = shutil.which("fc-match")
    if matcher is not None:
        found = subprocess.run(
            [matcher, "-f", "%{family}\n%{file}", f"{FAMILY}:style={style}"],
            check=False, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        lines = found.stdout.splitlines()
        # fc-match always answers something: only Liberation Sans itself will do.
        if found.returncode == 0 and len(lines) == 2 and FAMILY in lines[0] and Path(lines[1]).is_file():
            return Path(lines[1])
    if _KNOWN[bold].is_file():
        return _KNOWN[bold]
    raise FontError.at(Location(FAMILY), f"font {FAMILY} {style} is not installed (run `make setup`)", "font.missing")
