"""LibreOffice that hangs, fails or writes nothing is an error, never a hang.

These stand-ins for soffice inject the faults; the real conversion is covered by test_build.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from paraphe.convert import convert_to_pdf
from paraphe.errors import ConversionError


def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Path:
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)
    monkeypatch.setenv("PARAPHE_SOFFICE", str(script))
    return script


def alive(pid: int) -> bool:
    """Running (a killed child whose parent died may linger as a zombie until reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def test_hang_is_stopped_with_its_children(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pid_file = tmp_path / "child.pid"
    fake_soffice(tmp_path, monkeypatch, f"sleep 300 & echo $! > {pid_file}\nwait")
    started = time.monotonic()
    with pytest.raises(ConversionError) as caught:
        convert_to_pdf(b"docx", "conventions/x/y.yaml", timeout=1)
    assert time.monotonic() - started < 10
    assert (
        str(caught.value)
        == "conventions/x/y.yaml: error: LibreOffice did not finish within 1 s and was stopped (tried twice) "
        "[convert.timeout]"
    )
    child = int(pid_file.read_text())
    time.sleep(0.2)
    assert not alive(child)


def test_exit_0_without_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_soffice(tmp_path, monkeypatch, "echo 'Error: source file could not be loaded' >&2\nexit 0")
    with pytest.raises(
        ConversionError,
        match=(
            r"exited without writing a PDF \(Error: source file could not be loaded\) \(tried twice\) "
            r"\[convert.no-output\]"
        ),
    ):
        convert_to_pdf(b"docx", "y.yaml")


def test_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_soffice(tmp_path, monkeypatch, "kill -SEGV $$")
    with pytest.raises(ConversionError, match=r"failed with exit code -11"):
        convert_to_pdf(b"docx", "y.yaml")


def test_truncated_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # soffice's last two arguments are --outdir DIR and the source; write half a PDF there.
    fake_soffice(
        tmp_path,
        monkeypatch,
        'for last; do :; done\nout=$(eval echo \\${$(($#-1))})\nmkdir -p "$out"\n'
        'printf "%%PDF-1.7\\n1 0 obj" > "$out/document.pdf"',
    )
    with pytest.raises(ConversionError, match=r"incomplete PDF"):
        convert_to_pdf(b"docx", "y.yaml")


def test_missing_soffice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PARAPHE_SOFFICE", str(tmp_path / "nowhere"))
    with pytest.raises(ConversionError, match=r"cannot start LibreOffice"):
        convert_to_pdf(b"docx", "y.yaml")
