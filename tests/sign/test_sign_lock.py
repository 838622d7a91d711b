"""Two `paraphe sign` processes on the same file at once: one waits for the other, no signature is lost."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.tamper import Documents, make_documents


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Documents:
    return make_documents(tmp_path_factory.mktemp("documents"))


def _sign(document: Path, signatory: str, documents: Documents) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "paraphe.cli.main", "sign", str(document), str(document)]
    command += ["--signatory", signatory, "--pkcs12", str(documents.people[signatory].pkcs12)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_signers_in_place_at_once_keep_both_signatures(documents: Documents, tmp_path: Path) -> None:
    document = tmp_path / "convention.pdf"
    shutil.copy(documents.certified, document)
    # Both start while a third signer holds the file: each must wait, then read what the other wrote.
    holder = os.open(tmp_path / ".convention.pdf.paraphe-lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)
    first, second = _sign(document, "prefete", documents), _sign(document, "directrice-ccss", documents)
    time.sleep(3)  # long enough for both to have read nothing yet and be waiting on the lock
    assert first.poll() is None and second.poll() is None
    os.close(holder)
    outcomes = [p.communicate(timeout=120) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outcomes
    assert any("waiting for it to finish" in err for _, err in outcomes), outcomes

    verified = subprocess.run(
        [sys.executable, "-m", "paraphe.cli.main", "verify", str(document), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(verified.stdout)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert sorted(s["field"] for s in report["signatures"]) == ["certification", "directrice-ccss", "prefete"]
