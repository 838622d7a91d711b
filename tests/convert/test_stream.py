"""Documents converted while the next ones are still being made (`convert.stream.Conversions`).

The stand-in soffice (support.fake_soffice) records each call's documents and
writes tiny but complete PDFs; LibreOffice itself runs in test_started_ahead and the build tests.
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import docx
import pytest

from paraphe.convert import Converter, Document
from paraphe.convert.stream import Conversions
from support.fake_soffice import fake


def document(name: str) -> Document:
    return Document(f"conventions/x/{name}.yaml", b"docx")


def wait_for(path: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.02)


def test_the_first_document_converts_while_the_next_are_still_being_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = fake(tmp_path, monkeypatch, "for s in $sources; do write $s; done")
    with Conversions[str](Converter()) as conversions:
        conversions.give("un", document("un"))
        wait_for(calls)  # LibreOffice ran on the first before the second was given
        conversions.give("deux", document("deux"))
        conversions.give("trois", document("trois"))
        outcomes = dict(conversions.finished())
    assert sorted(outcomes) == ["deux", "trois", "un"]
    assert all(isinstance(o, bytes) and o.startswith(b"%PDF-") for o in outcomes.values())
    first, *others = calls.read_text().splitlines()
    assert len(first.split()) == 1  # the first alone; the next two together, or one by one
    assert sum(len(line.split()) for line in others) == 2


def test_a_document_given_again_while_reading_is_waited_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As a Sommaire is: filled with the pages read from its first PDF, it is converted again."""
    calls = fake(tmp_path, monkeypatch, "for s in $sources; do write $s; done")
    read: list[str] = []
    with Conversions[str](Converter()) as conversions:
        conversions.give("sommaire", document("sommaire"))
        for key, outcome in conversions.finished():
            assert isinstance(outcome, bytes), outcome
            read.append(key)
            if len(read) == 1:
                conversions.give(key, document("sommaire"))
    assert read == ["sommaire", "sommaire"]
    assert len(calls.read_text().splitlines()) == 2


def test_leaving_early_stops_the_conversion_under_way_and_starts_no_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C or an error in the worker: the soffice running is killed at once (it would otherwise run
    to its end, or hang until its timeout), and the documents still waiting are not converted."""
    started = tmp_path / "started"
    pids = tmp_path / "pids"
    calls = fake(
        tmp_path, monkeypatch, f'echo $$ >> "{pids}"\ntouch "{started}"\nsleep 60\nfor s in $sources; do write $s; done'
    )
    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt), Conversions[str](Converter()) as conversions:
        conversions.give("un", document("un"))
        wait_for(started)
        conversions.give("deux", document("deux"))
        raise KeyboardInterrupt
    assert time.monotonic() - began < 30  # not the fake's 60 s, nor a retry's
    assert len(calls.read_text().splitlines()) == 1  # neither the second document nor a retry
    [pid] = pids.read_text().split()
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid), 0)


def test_a_libreoffice_stopped_early_leaves_no_socket_behind(soffice: str, tmp_path: Path) -> None:
    """Killed, LibreOffice cannot remove its socket (/tmp/OSL_PIPE_…): the conversion that killed it does."""
    sockets = set(Path("/tmp").glob("OSL_PIPE_*"))
    with pytest.raises(KeyboardInterrupt), Conversions[str](Converter()) as conversions:
        conversions.give("un", Document("conventions/x/un.yaml", a_docx()))
        deadline = time.monotonic() + 60
        while set(Path("/tmp").glob("OSL_PIPE_*")) <= sockets:  # its own LibreOffice has started
            assert time.monotonic() < deadline, "LibreOffice made no socket"
            time.sleep(0.01)
        raise KeyboardInterrupt
    assert set(Path("/tmp").glob("OSL_PIPE_*")) <= sockets


def a_docx() -> bytes:
    document = docx.Document()
    for number in range(400):
        document.add_paragraph(f"Paragraphe {number} d'une convention longue à convertir.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
