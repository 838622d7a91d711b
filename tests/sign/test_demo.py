"""`make demo`'s last step, `scripts/demo-sign`: the whole signing path, and runnable twice in a row."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from paraphe.cli.main import cli
from support import MINIMAL, ROOT


def test_demo_signs_every_signatory_and_runs_twice(tmp_path: Path, soffice: str) -> None:
    (tmp_path / "m").mkdir()
    shutil.copy(MINIMAL, tmp_path / "m" / "manifest.yaml")
    built = CliRunner().invoke(cli, ["build", str(tmp_path / "m" / "manifest.yaml"), "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    pdf = tmp_path / "out" / "m" / "manifest.pdf"
    for _ in range(2):  # the second run replaces the first demo copy: `make demo` twice in a row
        done = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "demo-sign"), str(pdf)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "valid: 3 of 3 signed" in done.stdout
        assert "Traceback" not in done.stderr
    assert (tmp_path / "out" / "demo-pki").is_dir()  # beside the build's territories, not in the checkout
    assert pdf.with_suffix(".demo-signed.pdf").is_file()
