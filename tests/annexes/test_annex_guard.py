"""The annex guard's own limits: memory, wall clock, special files, one inspection per content.

The corpus (test_hostile) shows what each hostile PDF gives through the CLI; these force the limits
that a real bomb or a pathological file would hit, with small numbers.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from paraphe.annexes import guard
from support import hostile_inputs as inputs


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "_cache", {})


def test_memory_limit_stops_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    # 100 MB of address space: enough for Python and pypdf, not for the bomb's 75 MB of output.
    monkeypatch.setattr(guard, "MEMORY_LIMIT", 100 * 1024 * 1024)
    [(message, rule)] = guard.inspect_pdf(inputs.bomb()).problems
    assert rule == "annex.too-large"
    assert message.startswith("exceeds the limits set to read an annex (memory)")
    assert guard.inspect_pdf(inputs.valid()).problems == ()


def test_wall_clock_limit_ends_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "WALL_LIMIT", 0.01)
    started = time.monotonic()
    [(message, rule)] = guard.inspect_pdf(inputs.valid()).problems
    assert time.monotonic() - started < 5
    assert (rule, message.split(";")[0]) == (
        "annex.too-large",
        "exceeds the limits set to read an annex (was still being read after 0.01 s)",
    )


def test_same_bytes_inspected_once(monkeypatch: pytest.MonkeyPatch) -> None:
    children = []
    real = guard._inspect_in_child
    monkeypatch.setattr(guard, "_inspect_in_child", lambda data: children.append(data) or real(data))
    for _ in range(3):
        assert guard.inspect_pdf(inputs.valid()).pages == 1
    assert len(children) == 1


def test_special_and_large_files_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fifo = tmp_path / "piece.pdf"
    os.mkfifo(fifo)
    assert guard.read_annex(fifo, "piece.pdf") == (
        b"",
        [("annex 'piece.pdf' is not a regular file", "annex.not-file")],
    )
    large = tmp_path / "large.pdf"
    large.write_bytes(inputs.valid())
    monkeypatch.setattr(guard, "MAX_ANNEX_BYTES", 100)
    _, [(message, rule)] = guard.read_annex(large, "large.pdf")
    assert (rule, message) == (
        "annex.size",
        f"annex 'large.pdf' is too large ({large.stat().st_size} bytes; the limit is 100)",
    )


def test_a_libreoffice_annex_passes(tmp_path: Path, soffice: str) -> None:
    """What secretariats attach most: a document exported by LibreOffice (it has an /OpenAction destination)."""
    from support.documents import make_annex_pdf

    pdf = tmp_path / "deliberation.pdf"
    make_annex_pdf(pdf, "Délibération")
    data, problems = guard.read_annex(pdf, "deliberation.pdf", reserved=["prefete"])
    assert problems == [] and data == pdf.read_bytes()


def test_child_ignores_modules_in_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The child is started with `-m`, which would import a `pypdf.py` lying beside the manifests first."""
    (tmp_path / "pypdf.py").write_text("raise SystemExit('imported from the working folder')\n")
    monkeypatch.chdir(tmp_path)
    inspection = guard.inspect_pdf(inputs.valid())
    assert (inspection.problems, inspection.pages) == ((), 1)
