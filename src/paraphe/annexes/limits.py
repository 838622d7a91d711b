"""The limits the parent sets and the child enforces, and how reaching one is told to the secretariat."""

from __future__ import annotations

MAX_ANNEX_BYTES = 100 * 1024 * 1024
# Limits of the inspecting child: address space, CPU seconds, wall-clock seconds.
MEMORY_LIMIT = 1024 * 1024 * 1024
CPU_LIMIT = 20
WALL_LIMIT = 40.0
# Decoded bytes over all streams: a bomb may spread over many streams each under pypdf's own limit.
MAX_DECODED = 400 * 1024 * 1024
MAX_OBJECTS = 2_000_000

Problem = tuple[str, str]  # (message, rule)


def limit_problem(what: str) -> Problem:
    return (
        f"exceeds the limits set to read an annex ({what}); a decompression bomb or a damaged file? "
        "Attach a normal copy (print it to PDF)",
        "annex.too-large",
    )
