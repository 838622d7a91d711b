"""A stand-in for soffice (a shell script) that records each call's documents and writes tiny but
complete PDFs, with a body of the test's own that injects a fault or a wait."""

from __future__ import annotations

from pathlib import Path

import pytest

# Arguments end with: --outdir DIR source…; each output is DIR/<source stem>.pdf.
PREAMBLE = r"""
out=""; sources=""; seen_outdir=0
for arg; do
  if [ "$seen_outdir" = 1 ]; then out="$arg"; seen_outdir=2; continue; fi
  if [ "$arg" = "--outdir" ]; then seen_outdir=1; continue; fi
  if [ "$seen_outdir" = 2 ]; then sources="$sources $arg"; fi
done
mkdir -p "$out"
echo "$sources" >> "$CALLS"
write() { printf '%%PDF-1.4\n%s\n%%%%EOF\n' "$(basename "$1")" > "$out/$(basename "$1" .docx).pdf"; }
"""


def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Path:
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\n" + PREAMBLE + body + "\n")
    script.chmod(0o755)
    calls = tmp_path / "calls"
    monkeypatch.setenv("PARAPHE_SOFFICE", str(script))
    monkeypatch.setenv("CALLS", str(calls))
    return calls
