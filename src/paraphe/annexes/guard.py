"""The parent side: read an annex file safely, have the sandboxed child inspect it, name the annex in each problem."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from paraphe.annexes.limits import CPU_LIMIT, MAX_ANNEX_BYTES, MEMORY_LIMIT, WALL_LIMIT, Problem, limit_problem
from paraphe.i18n import _
from paraphe.names import RESERVED_FIELDS
from paraphe.procutil import kill_group

# The child, as a module of the installed package: the same code as the parent's, wherever paraphe is installed.
CHILD_MODULE = "paraphe.annexes.sandbox"


@dataclass(frozen=True)
class Inspection:
    """What the child found in one PDF: problems (message without the annex's name) and its form fields."""

    problems: tuple[Problem, ...]
    fields: tuple[tuple[str, bool], ...] = ()  # (fully qualified name, is a signature field)
    pages: int = 0


_cache: dict[str, Inspection] = {}


def read_annex(path: Path, shown: str, reserved: Collection[str] = ()) -> tuple[bytes, list[Problem]]:
    """The annex's bytes and every problem found in them, each message naming the annex as `shown`.

    Reads only a regular file (never blocks on a FIFO or a device) of at most MAX_ANNEX_BYTES.
    """
    try:
        data = _read_regular(path)
    except _NotRegular:
        return b"", [(_("annex {name!r} is not a regular file", name=shown), "annex.not-file")]
    except _TooLarge as exc:
        return b"", [
            (
                _(
                    "annex {name!r} is too large ({size} bytes; the limit is {limit})",
                    name=shown,
                    size=exc.size,
                    limit=MAX_ANNEX_BYTES,
                ),
                "annex.size",
            )
        ]
    except OSError as exc:
        return b"", [
            (_("cannot read annex {name!r}: {strerror}", name=shown, strerror=exc.strerror), "annex.unreadable")
        ]
    found = inspect_pdf(data)
    problems = [
        # In English for now: the child words them, and its findings are cached by content, not by language.
        (f"annex {shown!r} {message}", rule)
        for message, rule in found.problems
    ]
    ours = set(reserved) | set(RESERVED_FIELDS)
    for field, is_signature in found.fields:
        if field in ours:
            problems.append(
                (
                    _(
                        "annex {name!r} has a form field {field!r}, the name of one of this convention's signature "
                        "fields; attach a flattened copy (print it to PDF)",
                        name=shown,
                        field=field,
                    ),
                    "annex.field-clash",
                )
            )
        elif is_signature:
            problems.append(
                (
                    _(
                        "annex {name!r} has a signature field {field!r}, which cannot stay valid inside the "
                        "convention; attach a flattened copy (print it to PDF)",
                        name=shown,
                        field=field,
                    ),
                    "annex.signature-field",
                )
            )
    return data, problems


class _NotRegular(Exception):
    pass


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def _read_regular(path: Path) -> bytes:
    # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then tells what was opened.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _NotRegular
        if info.st_size > MAX_ANNEX_BYTES:
            raise _TooLarge(info.st_size)
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(MAX_ANNEX_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_ANNEX_BYTES:
        raise _TooLarge(len(data))
    return data


def inspect_pdf(data: bytes) -> Inspection:
    """Inspect PDF bytes in a limited child process; the same bytes are inspected once per process."""
    key = hashlib.sha256(data).hexdigest()
    if key not in _cache:
        _cache[key] = _inspect_in_child(data)
    return _cache[key]


def _child_command() -> list[str]:
    # The limits travel on the command line: the child applies them before it reads anything.
    # -P: `-m` would otherwise put the working folder first on the child's path, where a file
    # beside the manifests (a `pypdf.py`) would be imported instead of the library.
    return [sys.executable, "-P", "-m", CHILD_MODULE, str(MEMORY_LIMIT), str(CPU_LIMIT)]


def _inspect_in_child(data: bytes) -> Inspection:
    try:
        process = subprocess.Popen(
            _child_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        why = f"cannot start {sys.executable}: {exc.strerror}"
        return Inspection(((f"could not be inspected ({why})", "annex.unsafe"),))
    try:
        stdout, stderr = process.communicate(data, timeout=WALL_LIMIT)
    except subprocess.TimeoutExpired:
        kill_group(process)
        return Inspection((limit_problem(f"was still being read after {WALL_LIMIT:g} s"),))
    except BaseException:
        kill_group(process)
        raise
    if process.returncode != 0:
        detail = stderr.decode("utf-8", "replace").strip().splitlines()
        last = detail[-1] if detail else f"exit status {process.returncode}"
        if process.returncode < 0 or "MemoryError" in last:
            return Inspection((limit_problem(f"stopped: {_signal_name(process.returncode) or last}"),))
        return Inspection(((f"could not be inspected ({last})", "annex.unsafe"),))
    return _parse_report(stdout)


def _parse_report(stdout: bytes) -> Inspection:
    try:
        report = json.loads(stdout)
        return Inspection(
            tuple((str(m), str(r)) for m, r in report["problems"]),
            tuple((str(n), bool(s)) for n, s in report["fields"]),
            int(report["pages"]),
        )
    except (ValueError, KeyError, TypeError):
        return Inspection((("could not be inspected (unreadable report)", "annex.unsafe"),))


def _signal_name(returncode: int) -> str:
    if returncode >= 0:
        return ""
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"
