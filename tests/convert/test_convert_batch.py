"""Several documents per LibreOffice process: a crash or a hang costs only the unfinished ones a retry.

Stand-ins for soffice (shell scripts) inject the faults; they write tiny but complete PDFs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from paraphe.convert import Document, convert_documents
from paraphe.errors import ConversionError
from support.fake_soffice import fake


def documents(count: int) -> list[Document]:
    return [Document(f"conventions/x/doc{n}.yaml", b"docx") for n in range(count)]


def test_one_process_for_a_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake(tmp_path, monkeypatch, "for s in $sources; do write $s; done")
    outcomes = convert_documents(documents(4))
    assert all(isinstance(o, bytes) and o.startswith(b"%PDF-") for o in outcomes)
    assert len(calls.read_text().splitlines()) == 1


def test_each_document_is_handed_over_once_finished_while_the_next_ones_convert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """So that it is assembled while LibreOffice works on: a document is finished once a later output
    exists; the last is known finished only when the process ends, and comes back with the others."""
    go_on = tmp_path / "go-on"
    wait = f'while [ ! -e "{go_on}" ]; do sleep 0.02; done'
    fake(tmp_path, monkeypatch, f"set -- $sources\nwrite $1\nwrite $2\n{wait}\nwrite $3")
    heard: list[tuple[int, bytes]] = []

    def ready(index: int, pdf: bytes) -> None:
        heard.append((index, pdf))
        go_on.touch()  # the fake writes the last document only once the first was handed over

    outcomes = convert_documents(documents(3), timeout=30, ready=ready)
    # The first, while the fake waited; the second perhaps, between the third's writing and the end.
    assert [index for index, _ in heard] in ([0], [0, 1])
    assert all(pdf == outcomes[index] for index, pdf in heard)
    assert all(isinstance(o, bytes) and o.startswith(b"%PDF-") for o in outcomes)


def test_crash_mid_batch_retries_only_the_unfinished(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake(
        tmp_path,
        monkeypatch,
        "set -- $sources\nwrite $1\n[ $# -gt 1 ] && kill -SEGV $$\nwrite $1",
    )
    outcomes = convert_documents(documents(3))
    assert all(isinstance(o, bytes) for o in outcomes), outcomes
    # One batch that died after the first document, then the two others alone.
    assert len(calls.read_text().splitlines()) == 3
    assert [o.split(b"\n")[1] for o in outcomes if isinstance(o, bytes)] == [
        b"document-0000.docx",
        b"document.docx",
        b"document.docx",
    ]


def test_a_document_that_always_crashes_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A document whose content kills LibreOffice, in the batch and again alone.
    fake(tmp_path, monkeypatch, 'for s in $sources; do grep -q poison "$s" && kill -SEGV $$; write $s; done')
    batch = documents(3)
    batch[1] = Document(batch[1].name, b"poison")
    outcomes = convert_documents(batch)
    assert isinstance(outcomes[0], bytes) and isinstance(outcomes[2], bytes)
    assert isinstance(outcomes[1], ConversionError)
    assert str(outcomes[1]).startswith("conventions/x/doc1.yaml: error: LibreOffice failed with exit code -11")
    assert "(tried twice)" in str(outcomes[1])


def test_hang_in_a_batch_is_per_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each finished document resets the clock: a slow batch is not a hang; a stuck one is."""
    fake(tmp_path, monkeypatch, "for s in $sources; do sleep 0.6; write $s; done")
    outcomes = convert_documents(documents(4), timeout=1.5)
    assert all(isinstance(o, bytes) for o in outcomes), outcomes
