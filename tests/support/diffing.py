"""Versions of the Lozère SDSF for the diff's tests: the manifest as data, changed one way at a time."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner, Result

from paraphe.cli.main import cli
from paraphe.diff import Change, diff_conventions
from paraphe.manifest.load import load_manifest
from paraphe.pipeline import load_convention
from support import LOZERE

Edit = Callable[[dict[str, Any]], None]


def lozere() -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(load_manifest(LOZERE).data)
    return data


def write(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    return path


def versions(tmp_path: Path, edit: Edit) -> tuple[Path, Path]:
    """The Lozère SDSF as it is (old) and after `edit` (new), side by side."""
    new = lozere()
    edit(new)
    return write(tmp_path / "old" / "sdsf.yaml", lozere()), write(tmp_path / "new" / "sdsf.yaml", new)


def changes_for(tmp_path: Path, edit: Edit) -> list[Change]:
    old, new = versions(tmp_path, edit)
    return diff_conventions(load_convention(old), load_convention(new))


def summary(changes: list[Change]) -> list[tuple[str, str, str, str | None, str | None]]:
    return [(c.op, c.path, c.field, c.old, c.new) for c in changes]


def axis(data: dict[str, Any], theme: int, number: int) -> list[dict[str, Any]]:
    actions: list[dict[str, Any]] = data["sections"][theme]["sections"][number - 1]["actions"]
    return actions


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["diff", *args])


def pdf(pages: int) -> bytes:
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def with_annex(data: dict[str, Any]) -> None:
    data["annexes"].append({"title": "Délibération du conseil départemental", "file": "annexes/deliberation.pdf"})


# The text line of the change most tests make (pe-1-6's calendar), its action named by its title.
CALENDAR_LINE = (
    "~ Petite enfance › Axe 1 › Action 6 « faciliter les remplacements entre assistants maternels exerçant en MAM »"
    " : calendrier 2021 → 2022"
)
