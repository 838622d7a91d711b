"""The child side: run as `python -m paraphe.annexes.sandbox MEMORY CPU`, the PDF on standard input.

It limits itself first, then reads the bytes, then imports the PDF library: nothing it parses runs
outside the limits. It answers one JSON object on standard output: problems, form fields, pages.
"""

from __future__ import annotations

import json
import sys

from paraphe.annexes.limits import CPU_LIMIT, MEMORY_LIMIT, Problem, limit_problem

Report = tuple[list[Problem], list[tuple[str, bool]], int]  # problems, (field, is a signature field), pages


def main(argv: list[str]) -> int:
    memory, cpu = (int(argv[0]), int(argv[1])) if len(argv) == 2 else (MEMORY_LIMIT, CPU_LIMIT)
    _limit(memory, cpu)
    import logging

    logging.disable(logging.CRITICAL)  # pypdf's warnings about damaged files are our findings, said once
    data = sys.stdin.buffer.read()
    problems, fields, pages = examine(data)
    json.dump({"problems": problems, "fields": fields, "pages": pages}, sys.stdout)
    return 0


def _limit(memory: int, cpu: int) -> None:
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


def examine(data: bytes) -> Report:
    """Everything wrong with these bytes as an annex; stops at the first problem that makes the rest unreadable."""
    refused = _sniff(data)
    if refused is not None:
        return [refused], [], 0
    import io

    from pypdf import PdfReader

    from paraphe.annexes.walk import page_geometry, walk

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return [("is encrypted; attach an unprotected copy", "annex.encrypted")], [], 0
        pages = len(reader.pages)
    except Exception as exc:  # noqa: BLE001 - any parser failure is a property of the file
        return [_limit_reached(exc) or _unopenable(exc)], [], 0
    if pages == 0:
        return [("has no page", "annex.empty")], [], 0
    try:
        problems, fields = walk(reader)
    except Exception as exc:  # noqa: BLE001
        return [_limit_reached(exc) or _unreadable(exc)], [], pages
    geometry = page_geometry(reader)
    if geometry is not None:
        problems.append(geometry)
    if not problems:
        copied = _trial_copy(data)
        if copied is not None:
            problems.append(copied)
    return problems, fields, pages


def _trial_copy(data: bytes) -> Problem | None:
    """Copy the pages into a new PDF and read it back, as the assembler and the build record will.

    What pypdf cannot copy (an annotation that points to a missing object, a broken link
    destination) fails here, in the sandbox, as a located problem, not later in the build.
    """
    import io

    from pypdf import PdfReader, PdfWriter

    try:
        writer = PdfWriter()
        for index, page in enumerate(PdfReader(io.BytesIO(data), strict=False).pages):
            writer.insert_page(page, index)
        buffer = io.BytesIO()
        writer.write(buffer)
        for page in PdfReader(io.BytesIO(buffer.getvalue()), strict=False).pages:
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()
            for annotation in page.get("/Annots") or []:
                annotation.get_object().get("/Subtype")
    except Exception as exc:  # noqa: BLE001 - any failure to copy is a property of the file
        return _limit_reached(exc) or (
            f"cannot be copied into the convention ({exc or type(exc).__name__}); attach a copy printed to PDF",
            "annex.invalid",
        )
    return None


def _sniff(data: bytes) -> Problem | None:
    """What the first and last bytes already tell, before a parser is trusted with the rest."""
    if not data:
        return ("is empty", "annex.empty")
    head = data[:1024]
    if b"%PDF-" not in head:
        return (_not_a_pdf(head), "annex.type")
    if b"%%EOF" not in data[-2048:]:
        return ("is truncated (no %%EOF at its end); attach the complete file", "annex.truncated")
    return None


def _not_a_pdf(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "is a Word or OpenDocument file (a zip archive), not a PDF; export it as PDF"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "is an old Office document (.doc, .xls), not a PDF; export it as PDF"
    if head.startswith(b"{\\rtf"):
        return "is an RTF document, not a PDF; export it as PDF"
    return "is not a PDF (it does not start with %PDF-)"


def _limit_reached(exc: Exception) -> Problem | None:
    """The problem of a failure that says a limit was reached, wherever the parser was when it happened."""
    from pypdf.errors import LimitReachedError

    if isinstance(exc, LimitReachedError):
        return (
            "holds a stream that inflates beyond the size allowed (a decompression bomb?); "
            "attach a normal copy (print it to PDF)",
            "annex.too-large",
        )
    if isinstance(exc, MemoryError):
        return limit_problem("memory")
    if isinstance(exc, RecursionError):
        return ("is not a readable PDF (nested too deeply)", "annex.invalid")
    return None


def _unreadable(exc: Exception) -> Problem:
    return (f"is not a readable PDF ({exc or type(exc).__name__})", "annex.invalid")


def _unopenable(exc: Exception) -> Problem:
    message = str(exc) or type(exc).__name__
    if "cyclic" in message.lower():
        return ("has a page tree that loops back on itself (cyclic page references)", "annex.invalid")
    return (f"is not a readable PDF ({message})", "annex.invalid")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
