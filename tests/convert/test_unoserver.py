"""`--converter unoserver://…`: real unoserver instances (LibreOffice kept warm), one of them failing."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from paraphe.cli.main import cli
from paraphe.pipeline import load_convention
from support import MINIMAL, ROOT, pdfsig_fields
from support.documents import conventions, summary

SYSTEM_PYTHON = "/usr/bin/python3"
UNOSERVER_LIB = ROOT / ".venv" / "unoserver-lib"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def ready(port: int) -> bool:
    try:
        with xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}") as proxy:
            return bool(proxy.info()["api"])
    except OSError:
        return False


@pytest.fixture(scope="module")
def unoservers(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Iterator[list[int]]:
    check = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, check=False)
    if check.returncode != 0 or not (UNOSERVER_LIB / "unoserver").is_dir():
        pytest.skip("unoserver needs python3-uno and .venv/unoserver-lib (run `make setup`)")
    processes, ports = [], []
    for number in range(2):
        port, uno_port = free_port(), free_port()
        profile = tmp_path_factory.mktemp(f"unoserver{number}")
        processes.append(
            subprocess.Popen(
                [SYSTEM_PYTHON, "-m", "unoserver.server", "--interface", "127.0.0.1", "--port", str(port),
                 "--uno-port", str(uno_port), "--user-installation", str(profile)],
                env={**os.environ, "PYTHONPATH": str(UNOSERVER_LIB)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )  # fmt: skip
        ports.append(port)
    try:
        deadline = time.monotonic() + 120
        while not all(ready(p) for p in ports):
            assert time.monotonic() < deadline, "unoserver did not start"
            time.sleep(0.5)
        yield ports
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGKILL)  # unoserver and the LibreOffice it started
            process.wait(timeout=30)


def test_build_on_a_pool(unoservers: list[int], tmp_path: Path) -> None:
    folder = conventions(tmp_path, ["un", "deux", "trois"])
    pool = "unoserver://" + ",".join(f"127.0.0.1:{p}" for p in unoservers)
    result = CliRunner().invoke(cli, ["build", str(folder), "--out", str(tmp_path / "build"), "--converter", pool])
    assert result.exit_code == 0, result.output
    assert summary(result) == (3, 0, 0)
    for name in ("un", "deux", "trois"):
        pdf = tmp_path / "build" / "essai" / f"{name}.pdf"
        # Signature fields are placed from the rendered page: the conversion kept its text and headings.
        assert pdfsig_fields(pdf) == [s.id for s in load_convention(MINIMAL).signatories]


def test_a_dead_instance_is_skipped_by_retry(unoservers: list[int], tmp_path: Path) -> None:
    folder = conventions(tmp_path, ["un", "deux"])
    pool = f"unoserver://127.0.0.1:{free_port()},127.0.0.1:{unoservers[0]}"
    result = CliRunner().invoke(cli, ["build", str(folder), "--out", str(tmp_path / "build"), "--converter", pool])
    assert result.exit_code == 0, result.output
    assert summary(result) == (2, 0, 0)


def test_no_instance_answers(tmp_path: Path, soffice: str) -> None:
    folder = conventions(tmp_path, ["un"])
    pool = f"unoserver://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(cli, ["build", str(folder), "--out", str(tmp_path / "build"), "--converter", pool])
    assert result.exit_code == 1
    assert "un.yaml: error: cannot reach unoserver at 127.0.0.1:" in result.output
    assert "(tried twice) [convert.start]" in result.output
    assert not (tmp_path / "build" / "essai" / "un.pdf").exists()


def test_bad_converter_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--converter", "unoserver://nohost"])
    assert result.exit_code == 2
    assert "not a HOST:PORT address" in result.output
