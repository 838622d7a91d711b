"""A LibreOffice started ahead (while the libraries load) serves every conversion of the process that
takes it, until released; one that died first is done without; none is left running, nor its folder,
whatever happens."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from paraphe.convert import Document, ahead, convert_batch, release_office
from paraphe.convert import soffice as soffice_module
from paraphe.convert.soffice import office_pipe, office_ready
from paraphe.procutil import signals_deferred
from support import ROOT
from support.documents import conventions


def a_docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def group_alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def office_cpu(office: ahead.Office) -> float:
    """CPU seconds of the office's processes (its process group) so far."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split() if entry.name.isdigit() else []
        except OSError:
            continue
        if fields and int(fields[2]) == office.process.pid:  # its process group
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def test_the_office_started_ahead_serves_each_conversion_then_ends_once_released(soffice: str, tmp_path: Path) -> None:
    with ahead.offices_started(1, timeout=120):
        [office] = ahead._started
        for text in ("Convention servie d'avance", "Sommaire converti de nouveau"):
            before = office_cpu(office)
            [pdf] = convert_batch([Document("conventions/essai/un.yaml", a_docx(text))])
            assert isinstance(pdf, bytes), pdf
            assert text in pdf_text(pdf, tmp_path)
            # Its LibreOffice did the work: one that was not handed the document would have stayed idle.
            assert office_cpu(office) > before + 0.02
            assert office.alive()  # its placeholder document keeps it open for the next conversion
        assert not ahead._started  # taken: another process's conversions start their own
        release_office()
        # Asked to quit, it quit, each process waited for by its parent: its CPU counts as the build's.
        assert office.process.wait(timeout=60) != -signal.SIGKILL
        [pdf] = convert_batch([Document("conventions/essai/un.yaml", a_docx("Sans office"))])
        assert "Sans office" in pdf_text(pdf, tmp_path)  # released, it is not used again
    assert not office.folder.exists()


def test_an_office_whose_conversion_failed_is_not_used_again(soffice: str, tmp_path: Path) -> None:
    """A conversion that hangs or crashes may have left the office in any state: it is ended, and the
    retry gets a LibreOffice of its own."""
    with ahead.offices_started(1, timeout=120):
        [office] = ahead._started
        [pdf] = convert_batch([Document("conventions/essai/un.yaml", a_docx("Avant la panne"))])
        assert isinstance(pdf, bytes), pdf
        os.killpg(office.process.pid, signal.SIGSTOP)  # hangs from now on
        [failed] = convert_batch([Document("conventions/essai/un.yaml", a_docx("Pendant"))], timeout=3)
        assert not isinstance(failed, bytes)
        assert failed.diagnostics[0].rule == "convert.timeout"
        assert office.process.wait(timeout=30) is not None  # ended, not left stopped
        [pdf] = convert_batch([Document("conventions/essai/un.yaml", a_docx("Après la panne"))])
        assert "Après la panne" in pdf_text(pdf, tmp_path)


def test_an_office_that_died_before_its_conversion_is_done_without(soffice: str, tmp_path: Path) -> None:
    with ahead.offices_started(1, timeout=120):
        [office] = ahead._started
        office.end()
        office.process.wait(timeout=30)
        [pdf] = convert_batch([Document("conventions/essai/un.yaml", a_docx("Sans aide"))])
        assert isinstance(pdf, bytes), pdf
        assert "Sans aide" in pdf_text(pdf, tmp_path)


def test_an_office_found_where_libreoffice_listens_and_its_socket_removed_once_killed(soffice: str) -> None:
    """The socket's name is LibreOffice's (wrong, the office would never be found ready); an office
    killed cannot remove its socket from /tmp, so the build does."""
    with ahead.offices_started(1, timeout=120):
        [office] = ahead._started
        assert office_ready(office.folder, 60, office.alive)
        assert office_pipe(office.folder).is_socket()
    assert not office_pipe(office.folder).exists()


def test_no_socket_where_libreoffice_would_make_it_is_not_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another version or a sandboxed LibreOffice may listen elsewhere: the first batch then does not
    wait for the whole conversion allowance before converting alone."""
    monkeypatch.setattr(soffice_module, "SOCKET_APPEARS_WITHIN", 0.3)
    started = time.monotonic()
    assert not office_ready(tmp_path, 60, lambda: True)
    assert time.monotonic() - started < 10


def test_an_office_not_ready_in_time_is_ended_and_done_without(soffice: str, tmp_path: Path) -> None:
    with ahead.offices_started(1, timeout=120):
        [office] = ahead._started
        os.killpg(office.process.pid, signal.SIGSTOP)  # it will never take documents
        [pdf] = convert_batch([Document("conventions/essai/un.yaml", a_docx("Sans l'office figée"))], timeout=10)
        assert isinstance(pdf, bytes), pdf
        assert "Sans l'office figée" in pdf_text(pdf, tmp_path)
        assert office.process.wait(timeout=30) is not None  # killed, not left stopped until the build ends


def test_offices_not_used_are_ended_and_removed(soffice: str) -> None:
    with ahead.offices_started(2, timeout=120):
        offices = list(ahead._started)
        assert len(offices) == 2 and all(group_alive(o.process.pid) for o in offices)
    assert not any(o.folder.exists() for o in offices)
    # Killed, LibreOffice's own process is then reaped by init.
    deadline = time.monotonic() + 30
    while any(group_alive(o.process.pid) for o in offices):
        assert time.monotonic() < deadline, "LibreOffice left running"
        time.sleep(0.1)


def test_a_wrapper_or_another_program_is_not_started_ahead(
    soffice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrapper = tmp_path / "soffice"
    wrapper.write_text(f'#!/bin/sh\nexec "{soffice}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PARAPHE_SOFFICE", str(wrapper))
    with ahead.offices_started(1, timeout=120):
        assert not ahead._started
    monkeypatch.setenv("PARAPHE_SOFFICE", soffice)
    with ahead.offices_started(1, timeout=120):
        assert len(ahead._started) == 1


def a_build(tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    """`paraphe build` of three conventions with two workers, started now; its TMPDIR."""
    folder = conventions(tmp_path, ["un", "deux", "trois"])
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    paraphe = Path(sys.executable).with_name("paraphe")
    process = subprocess.Popen(
        [str(paraphe), "build", str(folder), "--out", str(tmp_path / "build"), "-j", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )  # fmt: skip
    return process, scratch


def wait_for(condition: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def running_in(scratch: Path) -> list[Path]:
    """The processes whose command line names `scratch` (LibreOffice's profiles are there)."""
    return [p for p in Path("/proc").iterdir() if p.name.isdigit() and _mentions(p, str(scratch))]


def _mentions(process: Path, text: str) -> bool:
    try:
        return text.encode() in (process / "cmdline").read_bytes()
    except OSError:
        return False


def test_a_parallel_build_leaves_no_libreoffice_nor_folder(soffice: str, tmp_path: Path) -> None:
    process, scratch = a_build(tmp_path)
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    assert len(list((tmp_path / "build").rglob("*.pdf"))) == 3
    assert list(scratch.iterdir()) == []
    assert running_in(scratch) == []


def test_ctrl_c_while_the_offices_wait_ends_them(soffice: str, tmp_path: Path) -> None:
    """Ctrl-C while LibreOffice is started ahead and the libraries load: nothing left running nor on disk."""
    process, scratch = a_build(tmp_path)
    wait_for(lambda: running_in(scratch) or process.poll() is not None, 60, "no LibreOffice started ahead")
    assert process.poll() is None
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert "interrupted; earlier outputs are untouched" in stderr, stderr
    assert "Traceback" not in stderr
    # 130, or killed by the SIGINT itself (CPython's way when Ctrl-C lands in some start-up code): the shell shows 130.
    assert process.returncode in (130, -signal.SIGINT)
    wait_for(lambda: not running_in(scratch), 30, "LibreOffice left running")
    assert list(scratch.iterdir()) == []
    assert not list((tmp_path / "build").rglob("*.pdf"))


def test_ctrl_c_while_native_libraries_load_is_acted_on_after() -> None:
    """Raised inside a C extension's initialisation, KeyboardInterrupt aborts the process (pikepdf's,
    « Critical nanobind error »): while the libraries load, it waits for the block's end."""
    went_on = False
    with pytest.raises(KeyboardInterrupt):
        with signals_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # time for the handler to run, had it raised
            went_on = True
    assert went_on
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_office_does_not_outlive_a_build_killed_outright(soffice: str, tmp_path: Path) -> None:
    """kill -9 (or the kernel's OOM killer) leaves no cleanup to run: the office waiting for work
    is ended all the same, not left waiting for ever."""
    process, scratch = a_build(tmp_path)
    wait_for(lambda: _offices_waiting(scratch) or process.poll() is not None, 60, "no LibreOffice started ahead")
    assert process.poll() is None
    process.kill()
    process.wait()
    for pipe in (process.stdout, process.stderr):  # its workers may still write to them: not read
        assert pipe is not None
        pipe.close()
    wait_for(lambda: not _offices_waiting(scratch), 60, "a LibreOffice started ahead outlived its build")


def _offices_waiting(scratch: Path) -> list[Path]:
    """LibreOffice processes of that build that convert nothing: started ahead, waiting for work."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            arguments = (entry / "cmdline").read_bytes() if entry.name.isdigit() else b""
        except OSError:
            continue
        if str(scratch).encode() in arguments and b"soffice" in arguments and b"--convert-to" not in arguments:
            found.append(entry)
    return found


@pytest.mark.parametrize("jobs", [2, 1])
def test_each_batch_has_its_office_even_one_forked_later(
    soffice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """Three batches on two workers: the third forks once one of the first is done, and an office is
    started for it then, rather than its conversions each starting a LibreOffice of their own. On one
    worker (the main process), each batch after the first gets one as it begins."""
    from paraphe import pipeline, scheduler

    monkeypatch.setattr(scheduler, "MAX_BATCH", 1)
    started: list[list[str]] = []
    real = ahead.start_soffice

    def recorded(command: list[str], folder: Path, *, quiet: bool = False) -> subprocess.Popen[bytes]:
        started.append(command)
        return real(command, folder, quiet=quiet)

    monkeypatch.setattr(ahead, "start_soffice", recorded)
    folder = conventions(tmp_path, ["un", "deux", "trois"])
    summary = pipeline.build(pipeline.discover([folder]), tmp_path / "build", jobs=jobs)
    assert summary.built == 3 and not summary.failures, summary.failures
    assert len(started) == 3  # one office per batch, in the main process
