"""Incremental, parallel and reproducible builds, on real LibreOffice."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfWriter

from paraphe.cli.main import cli
from paraphe.resources import default_templates
from support import ROOT, page_count
from support.documents import conventions, make_annex_pdf, summary


def build(*args: str) -> Result:
    return CliRunner().invoke(cli, ["build", *args])


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("incremental")
    folder = conventions(root, ["alpha", "beta", "gamma"], annex=True)
    out = root / "build"
    first = build(str(folder), "--out", str(out), "-j", "2")
    assert first.exit_code == 0, first.output
    assert summary(first) == (3, 0, 0)
    return folder, out


def test_parallel_build_writes_every_document(tree: tuple[Path, Path]) -> None:
    _, out = tree
    for name in ("alpha", "beta", "gamma"):
        pdf = out / "essai" / f"{name}.pdf"
        assert page_count(pdf) >= 6
        assert pdf.with_suffix(".docx").is_file()


def test_unchanged_tree_is_reused_without_conversion(tree: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    folder, out = tree
    before = snapshot(out)

    def no_conversion(*args: object, **kwargs: object) -> None:
        raise AssertionError("a conversion was started")

    monkeypatch.setattr("paraphe.convert.Converter.convert", no_conversion)
    again = build(str(folder), "--out", str(out))
    assert again.exit_code == 0, again.output
    assert summary(again) == (0, 3, 0)
    assert snapshot(out) == before
    assert again.output.count("reused ") == 3


def _changed_then_restored(folder: Path, out: Path, path: Path, new: bytes, rebuilt: int) -> None:
    original = path.read_bytes()
    try:
        path.write_bytes(new)
        result = build(str(folder), "--out", str(out))
        assert result.exit_code == 0, result.output
        assert summary(result) == (rebuilt, 3 - rebuilt, 0)
    finally:
        path.write_bytes(original)
        restored = build(str(folder), "--out", str(out))
        assert summary(restored) == (rebuilt, 3 - rebuilt, 0)


def test_one_changed_manifest_rebuilds_one_document(tree: tuple[Path, Path]) -> None:
    folder, out = tree
    manifest = folder / "beta.yaml"
    changed = manifest.read_text(encoding="utf-8").replace("place: Mende", "place: Florac").encode()
    _changed_then_restored(folder, out, manifest, changed, rebuilt=1)


def test_changed_annex_rebuilds_those_that_use_it(tree: tuple[Path, Path]) -> None:
    folder, out = tree
    annex = folder / "annexes" / "deliberation.pdf"
    other = folder / "other.pdf"
    make_annex_pdf(other, "AUTRE DELIBERATION", pages=1)
    try:
        _changed_then_restored(folder, out, annex, other.read_bytes(), rebuilt=3)
    finally:
        other.unlink()


def test_touched_output_is_rebuilt_and_force_rebuilds_all(tree: tuple[Path, Path]) -> None:
    folder, out = tree
    pdf = out / "essai" / "gamma.pdf"
    good = pdf.read_bytes()
    pdf.write_bytes(good + b"\n% edited by hand\n")
    result = build(str(folder), "--out", str(out))
    assert summary(result) == (1, 2, 0)
    assert pdf.read_bytes() == good
    forced = build(str(folder), "--out", str(out), "--force")
    assert summary(forced) == (3, 0, 0)


def test_same_inputs_same_bytes(tree: tuple[Path, Path], tmp_path: Path) -> None:
    """Reproducible: another folder, another time, one job instead of two: the same .docx and .pdf."""
    folder, out = tree
    elsewhere = tmp_path / "copy"
    shutil.copytree(folder, elsewhere / "conventions" / "essai")
    result = build(str(elsewhere / "conventions"), "--out", str(tmp_path / "build"), "-j", "1", "--force")
    assert result.exit_code == 0, result.output
    for name in ("alpha", "beta", "gamma"):
        for suffix in (".docx", ".pdf"):
            mine = (tmp_path / "build" / "essai" / name).with_suffix(suffix).read_bytes()
            theirs = (out / "essai" / name).with_suffix(suffix).read_bytes()
            assert mine == theirs, f"{name}{suffix} differs"


def test_one_bad_manifest_does_not_stop_the_others(tmp_path: Path, soffice: str) -> None:
    folder = conventions(tmp_path, ["good", "bad"])
    bad = folder / "bad.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("status: final", "status: signed"), encoding="utf-8")
    result = build(str(folder), "--out", str(tmp_path / "build"), "-j", "2")
    assert result.exit_code == 1
    assert summary(result) == (1, 0, 1)
    assert re.search(r"bad\.yaml:\d+:\d+: error: ", result.output)
    assert (tmp_path / "build" / "essai" / "good.pdf").is_file()
    assert not (tmp_path / "build" / "essai" / "bad.pdf").exists()


def test_two_manifests_for_one_output_are_refused(tmp_path: Path, soffice: str) -> None:
    first = conventions(tmp_path / "one", ["same"])
    second = conventions(tmp_path / "two", ["same"])
    out = tmp_path / "build"
    result = build(str(first / "same.yaml"), str(second / "same.yaml"), "--out", str(out))
    assert result.exit_code == 1
    assert result.output.count("[build.same-output]") == 2
    assert not (out / "essai" / "same.pdf").exists()
    # Built one after the other, the second is not mistaken for the first.
    assert summary(build(str(first / "same.yaml"), "--out", str(out))) == (1, 0, 0)
    assert summary(build(str(second / "same.yaml"), "--out", str(out))) == (1, 0, 0)
    assert summary(build(str(second / "same.yaml"), "--out", str(out))) == (0, 1, 0)


def test_other_templates_rebuild(tmp_path: Path, soffice: str, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = conventions(tmp_path, ["modele"])
    out = tmp_path / "build"
    assert summary(build(str(folder), "--out", str(out))) == (1, 0, 0)
    own = tmp_path / "templates"
    shutil.copytree(default_templates(), own)
    monkeypatch.setenv("PARAPHE_TEMPLATES", str(own))
    assert summary(build(str(folder), "--out", str(out))) == (1, 0, 0)
    assert summary(build(str(folder), "--out", str(out))) == (0, 1, 0)


def test_warnings_are_remembered_and_strict_does_not_reuse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lenient build remembers its warnings: shown again on reuse; --strict then refuses, writing nothing."""
    case = ROOT / "tests" / "hostile" / "build-with-warnings"
    (tmp_path / "m").mkdir()
    shutil.copy(case / "manifest.yaml", tmp_path / "m" / "manifest.yaml")
    body = tmp_path / "body.pdf"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(body)
    monkeypatch.setenv("PARAPHE_SOFFICE", str(case / "soffice"))  # a quick stand-in: HOSTILE_BODY for each document
    monkeypatch.setenv("HOSTILE_BODY", str(body))
    monkeypatch.chdir(tmp_path)
    warnings = (case / "expected.txt").read_text(encoding="utf-8").replace("manifest.yaml", "m/manifest.yaml")
    first = build("m/manifest.yaml", "--out", "out")
    assert first.exit_code == 0 and summary(first) == (1, 0, 0), first.output
    assert first.stderr == warnings
    outputs = snapshot(tmp_path / "out")
    again = build("m/manifest.yaml", "--out", "out")
    assert summary(again) == (0, 1, 0) and again.stderr == warnings
    strict = build("m/manifest.yaml", "--out", "out", "--strict")
    assert strict.exit_code == 1 and summary(strict) == (0, 0, 1)
    assert strict.stderr.startswith(warnings)  # the failure lists them
    assert snapshot(tmp_path / "out") == outputs
