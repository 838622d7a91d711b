"""An annex PDF comes from anyone: look at it in a sandbox before the build touches it.

The PDF is parsed by a child process (`python -m paraphe.manifest.annex_guard`, the
bytes on its standard input) under a memory, CPU-time and wall-clock limit, so a
decompression bomb, a cyclic page tree or a parser bug costs that child, never the
build. The child reports what would make the annex unsafe or unusable inside a
convention: not a PDF at all, truncated, encrypted, JavaScript or actions that run
or launch something, embedded files, signature fields, form fields named like the
convention's own signature fields, streams that inflate beyond pypdf's limits or
cannot be decoded. Whatever it accepts, the assembler, the build record and the
signer can read.

Lives with the manifest stage because validation reports these problems, located on
the annex's line; the assembler asks again (from a cache) for the bytes it inserts.
"""

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

from paraphe.names import RESERVED_FIELDS
from paraphe.procutil import kill_group

MAX_ANNEX_BYTES = 100 * 1024 * 1024
# Limits of the inspecting child: address space, CPU seconds, wall-clock seconds.
MEMORY_LIMIT = 1024 * 1024 * 1024
CPU_LIMIT = 20
WALL_LIMIT = 40.0
# Decoded bytes over all streams: a bomb may spread over many streams each under pypdf's own limit.
MAX_DECODED = 400 * 1024 * 1024

Problem = tuple[str, str]  # (message, rule)


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
    name = f"annex {shown!r}"
    try:
        data = _read_regular(path)
    except _NotRegular:
        return b"", [(f"{name} is not a regular file", "annex.not-file")]
    except _TooLarge as exc:
        return b"", [(f"{name} is too large ({exc.size} bytes; the limit is {MAX_ANNEX_BYTES})", "annex.size")]
    except OSError as exc:
        return b"", [(f"cannot read {name}: {exc.strerror}", "annex.unreadable")]
    found = inspect_pdf(data)
    problems = [(f"{name} {message}", rule) for message, rule in found.problems]
    ours = set(reserved) | set(RESERVED_FIELDS)
    for field, is_signature in found.fields:
        if field in ours:
            problems.append(
                (
                    f"{name} has a form field {field!r}, the name of one of this convention's signature fields; "
                    "attach a flattened copy (print it to PDF)",
                    "annex.field-clash",
                )
            )
        elif is_signature:
            problems.append(
                (
                    f"{name} has a signature field {field!r}, which cannot stay valid inside the convention; "
                    "attach a flattened copy (print it to PDF)",
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


def _inspect_in_child(data: bytes) -> Inspection:
    # The limits travel on the command line: the child applies them before it reads anything.
    command = [sys.executable, "-m", "paraphe.manifest.annex_guard", str(MEMORY_LIMIT), str(CPU_LIMIT)]
    try:
        process = subprocess.Popen(
            command,
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
        return Inspection((_limit_problem(f"was still being read after {WALL_LIMIT:g} s"),))
    except BaseException:
        kill_group(process)
        raise
    if process.returncode != 0:
        detail = stderr.decode("utf-8", "replace").strip().splitlines()
        last = detail[-1] if detail else f"exit status {process.returncode}"
        if process.returncode < 0 or "MemoryError" in last:
            return Inspection((_limit_problem(f"stopped: {_signal_name(process.returncode) or last}"),))
        return Inspection(((f"could not be inspected ({last})", "annex.unsafe"),))
    try:
        report = json.loads(stdout)
        return Inspection(
            tuple((str(m), str(r)) for m, r in report["problems"]),
            tuple((str(n), bool(s)) for n, s in report["fields"]),
            int(report["pages"]),
        )
    except (ValueError, KeyError, TypeError):
        return Inspection((("could not be inspected (unreadable report)", "annex.unsafe"),))


def _limit_problem(what: str) -> Problem:
    return (
        f"exceeds the limits set to read an annex ({what}); a decompression bomb or a damaged file? "
        "Attach a normal copy (print it to PDF)",
        "annex.too-large",
    )


def _signal_name(returncode: int) -> str:
    if returncode >= 0:
        return ""
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


# --- the child -------------------------------------------------------------------------------------------------

_ACTIONS = {
    "/Launch": "an action that launches a program",
    "/SubmitForm": "a form that sends its data away",
    "/ImportData": "an action that imports data",
    "/GoToE": "a link into an embedded file",
    "/GoToR": "a link that opens another file",
    "/Rendition": "a multimedia action",
    "/RichMediaExecute": "a rich-media action",
}
_PASSTHROUGH_IMAGES = {"/DCTDecode", "/JPXDecode"}
_MAX_OBJECTS = 2_000_000


def _limit_child(memory: int, cpu: int) -> None:
    import resource

    for limit, value in (
        (resource.RLIMIT_AS, memory),
        (resource.RLIMIT_CPU, cpu),
        (resource.RLIMIT_FSIZE, 0),
        (resource.RLIMIT_CORE, 0),
    ):
        try:
            resource.setrlimit(limit, (value, value))
        except (ValueError, OSError):
            pass


def _child_main(argv: list[str]) -> int:
    memory, cpu = (int(argv[0]), int(argv[1])) if len(argv) == 2 else (MEMORY_LIMIT, CPU_LIMIT)
    _limit_child(memory, cpu)
    import logging

    logging.disable(logging.CRITICAL)  # pypdf's warnings about damaged files are our findings, said once
    data = sys.stdin.buffer.read()
    problems, fields, pages = _examine(data)
    json.dump({"problems": problems, "fields": fields, "pages": pages}, sys.stdout)
    return 0


def _examine(data: bytes) -> tuple[list[Problem], list[tuple[str, bool]], int]:
    if not data:
        return [("is empty", "annex.empty")], [], 0
    head = data[:1024]
    if b"%PDF-" not in head:
        return [(_not_a_pdf(head), "annex.type")], [], 0
    if b"%%EOF" not in data[-2048:]:
        return [("is truncated (no %%EOF at its end); attach the complete file", "annex.truncated")], [], 0
    import io

    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return [("is encrypted; attach an unprotected copy", "annex.encrypted")], [], 0
        pages = len(reader.pages)
    except LimitReachedError:
        return [_bomb()], [], 0
    except MemoryError:
        return [_limit_problem("memory")], [], 0
    except RecursionError:
        return [("is not a readable PDF (nested too deeply)", "annex.invalid")], [], 0
    except Exception as exc:  # noqa: BLE001 - any parser failure is a property of the file
        message = str(exc) or type(exc).__name__
        if "cyclic" in message.lower():
            return [("has a page tree that loops back on itself (cyclic page references)", "annex.invalid")], [], 0
        return [(f"is not a readable PDF ({message})", "annex.invalid")], [], 0
    if pages == 0:
        return [("has no page", "annex.empty")], [], 0
    try:
        return (*_walk(reader), pages)
    except LimitReachedError:
        return [_bomb()], [], pages
    except MemoryError:
        return [_limit_problem("memory")], [], pages
    except RecursionError:
        return [("is not a readable PDF (nested too deeply)", "annex.invalid")], [], pages
    except Exception as exc:  # noqa: BLE001
        return [(f"is not a readable PDF ({exc or type(exc).__name__})", "annex.invalid")], [], pages


def _not_a_pdf(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "is a Word or OpenDocument file (a zip archive), not a PDF; export it as PDF"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "is an old Office document (.doc, .xls), not a PDF; export it as PDF"
    if head.startswith(b"{\\rtf"):
        return "is an RTF document, not a PDF; export it as PDF"
    return "is not a PDF (it does not start with %PDF-)"


def _bomb() -> Problem:
    return (
        "holds a stream that inflates beyond the size allowed (a decompression bomb?); "
        "attach a normal copy (print it to PDF)",
        "annex.too-large",
    )


def _walk(reader: object) -> tuple[list[Problem], list[tuple[str, bool]]]:
    """Every object reachable from the trailer, once: actions, embedded files, fields, streams."""
    from pypdf.errors import LimitReachedError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    trailer = reader.trailer  # type: ignore[attr-defined]
    root = trailer["/Root"].get_object()
    findings: dict[str, Problem] = {}
    fields: dict[str, bool] = {}
    embedded: list[str] = []
    decoded = 0

    def note(key: str, message: str, rule: str) -> None:
        findings.setdefault(key, (message, rule))

    opening = root.get("/OpenAction")
    if opening is not None and isinstance(opening.get_object(), DictionaryObject):
        kind = str(opening.get_object().get("/S", ""))
        if kind not in ("/GoTo", "/URI", "", "/JavaScript"):  # JavaScript: reported as such below
            note(
                f"action{kind}",  # said once, as the open action it is
                f"runs an action when it is opened (/OpenAction {kind}); attach a copy without it (print it to PDF)",
                "annex.open-action",
            )

    seen: set[tuple[int, int]] = set()
    stack: list[object] = [root]
    count = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            ident = (item.idnum, item.generation)
            if ident in seen:
                continue
            seen.add(ident)
            item = item.get_object()
        count += 1
        if count > _MAX_OBJECTS:
            note("objects", f"has more than {_MAX_OBJECTS} objects", "annex.too-large")
            break
        if isinstance(item, ArrayObject):
            stack.extend(item)
            continue
        if not isinstance(item, DictionaryObject):
            continue
        action = item.get("/S")
        if action == "/JavaScript" or "/JS" in item:
            note("js", "contains JavaScript; attach a copy without scripts (print it to PDF)", "annex.javascript")
        elif action in _ACTIONS:
            note(
                f"action{action}",
                f"contains {_ACTIONS[str(action)]} ({action}); attach a copy without it (print it to PDF)",
                "annex.active-content",
            )
        names = item.get("/Names")
        if isinstance(names, (DictionaryObject, IndirectObject)) and item is root:
            tree = names.get_object()
            if isinstance(tree, DictionaryObject) and "/JavaScript" in tree:
                note("js", "contains JavaScript; attach a copy without scripts (print it to PDF)", "annex.javascript")
        if "/XFA" in item:
            note("xfa", "contains an XFA form (it may run scripts); attach a flattened copy", "annex.active-content")
        if item.get("/Type") == "/Filespec" and "/EF" in item:
            embedded.append(str(item.get("/UF") or item.get("/F") or "?"))
        elif item.get("/Type") == "/EmbeddedFile" or item.get("/Subtype") == "/FileAttachment":
            embedded.append("")
        if item.get("/Subtype") == "/Widget" or "/FT" in item:
            name, is_signature = _field_name(item)
            if name:
                fields[name] = fields.get(name, False) or is_signature
        if isinstance(item, StreamObject) and _decodable(item):
            try:
                decoded += len(item.get_data())
            except (LimitReachedError, MemoryError):
                raise
            except Exception as exc:  # noqa: BLE001
                note("stream", f"has a stream that cannot be decoded ({exc or type(exc).__name__})", "annex.invalid")
            if decoded > MAX_DECODED:
                raise LimitReachedError("decoded streams too large")
        for key, value in item.items():
            if key not in ("/Parent", "/P"):  # back-links: reached from the other side
                stack.append(value)
    named = sorted({e for e in embedded if e})
    if embedded:
        listed = f" ({', '.join(repr(n) for n in named)})" if named else ""
        note(
            "embedded",
            f"carries embedded files{listed}; attach them as annexes of their own, or remove them",
            "annex.embedded-file",
        )
    return list(findings.values()), sorted(fields.items())


def _decodable(stream: object) -> bool:
    """Images pypdf passes through undecoded (JPEG) cost nothing; everything else is decoded as the build will."""
    filters = stream.get("/Filter")  # type: ignore[attr-defined]
    names = [str(f) for f in filters] if isinstance(filters, list) else [str(filters)] if filters else []
    return not (names and names[-1] in _PASSTHROUGH_IMAGES and len(names) == 1)


def _field_name(item: object) -> tuple[str, bool]:
    """A field's fully qualified name (parents' /T joined by dots) and whether it is a signature field."""
    parts: list[str] = []
    is_signature = False
    node = item
    for _ in range(32):
        title = node.get("/T")  # type: ignore[attr-defined]
        if title is not None:
            parts.append(str(title))
        if node.get("/FT") == "/Sig":  # type: ignore[attr-defined]
            is_signature = True
        parent = node.get("/Parent")  # type: ignore[attr-defined]
        if parent is None:
            break
        node = parent.get_object()
    return ".".join(reversed(parts)), is_signature


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
