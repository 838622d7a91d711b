"""Installed from a wheel, outside the checkout, paraphe validates and builds the Lozère conventions.

The wheel is built without build isolation (setuptools comes with the test extras) and installed by
pip into a fresh virtual environment under tmp_path, with no network at any step. That environment
has no pip and no dependencies of its own: a `.pth` file lends it this environment's site-packages,
whose editable paraphe (a `.pth` of its own, never read from a lent folder) stays out of reach.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from support import ROOT, page_count

SHIPPED = {
    "paraphe/data/convention.schema.json",
    "paraphe/data/templates/sdsf.docx",
    "paraphe/data/templates/sdavs.docx",
    "paraphe/data/templates/ctg.docx",
    "paraphe/annexes/sandbox.py",
    "paraphe/py.typed",
    "paraphe/locale/fr/LC_MESSAGES/paraphe.mo",
}


def run(command: list[str | Path], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def build_wheel(tmp_path: Path, env: dict[str, str]) -> Path:
    # From a copy: an in-tree build would leave build/ and egg-info beside the checkout's sources.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    dist = tmp_path / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", dist, source], tmp_path, env)
    [wheel] = dist.glob("paraphe-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert SHIPPED <= set(archive.namelist()), SHIPPED - set(archive.namelist())
    return wheel


def fresh_environment(tmp_path: Path, wheel: Path, env: dict[str, str]) -> Path:
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path, env)
    python = venv / "bin" / "python"
    site = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp_path, env).strip())
    (site / "lent-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", python]
    run([*pip, "install", "--no-deps", "--no-index", "-q", wheel], tmp_path, env)
    return venv


@pytest.mark.slow
def test_installed_wheel_builds_lozere(tmp_path: Path, soffice: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PARAPHE_TEMPLATES", "VIRTUAL_ENV")}
    env["PARAPHE_SOFFICE"] = soffice
    venv = fresh_environment(tmp_path, build_wheel(tmp_path, env), env)
    work = tmp_path / "work"
    shutil.copytree(ROOT / "conventions" / "lozere", work / "conventions" / "lozere")

    python, paraphe = venv / "bin" / "python", venv / "bin" / "paraphe"
    where = "import paraphe.resources as r; print(r.__file__); print(r.templates_folder())"
    for path in map(Path, run([python, "-c", where], work, env).split()):
        assert path.is_relative_to(venv) and not path.is_relative_to(ROOT), path

    assert "2 manifest(s) valid" in run([paraphe, "validate", "conventions/"], work, env)
    # The French catalog is package data: an installed paraphe speaks French too.
    assert "2 manifestes valides" in run([paraphe, "validate", "conventions/"], work, {**env, "LANG": "fr_FR.UTF-8"})
    assert "2 built, 0 reused, 0 failed" in run([paraphe, "build", "conventions/", "--out", "build"], work, env)
    for name in ("sdsf-2020-2023", "ctg-plan-actions-2020"):
        assert page_count(work / "build" / "lozere" / f"{name}.pdf") >= 2, name
    # Reused as it should be: what was hashed (templates, schema, code) is where it was.
    assert "0 built, 2 reused" in run([paraphe, "build", "conventions/", "--out", "build"], work, env)
    # The annex sandbox's child, started from the installed package, reads a PDF.
    inspect = "import sys; from paraphe.annexes import inspect_pdf; print(inspect_pdf(open(sys.argv[1], 'rb').read()))"
    pdf = work / "build" / "lozere" / "sdsf-2020-2023.pdf"
    assert f"pages={page_count(pdf)})" in run([python, "-c", inspect, pdf], work, env)


def test_resources_are_package_data() -> None:
    from paraphe import resources

    package = Path(resources.__file__).parent
    assert resources.default_templates() == package / "data" / "templates"
    assert {p.name for p in resources.default_templates().glob("*.docx")} == {
        "sdsf.docx",
        "sdavs.docx",
        "ctg.docx",
        "avenant.docx",
    }
    assert '"$schema"' in resources.SCHEMA_PATH.read_text(encoding="utf-8")


def test_templates_in_a_zip_are_copied_to_disk(tmp_path: Path) -> None:
    """A paraphe imported from a zip: docxtpl still gets the templates as files."""
    from paraphe.resources import on_disk

    archive = tmp_path / "paraphe.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("paraphe/data/templates/sdsf.docx", b"sdsf")
        zipped.writestr("paraphe/data/templates/ctg.docx", b"ctg")
    copy = on_disk(zipfile.Path(archive, "paraphe/data/templates/"))
    assert not copy.is_relative_to(tmp_path)
    assert {p.name: p.read_bytes() for p in copy.iterdir()} == {"sdsf.docx": b"sdsf", "ctg.docx": b"ctg"}
