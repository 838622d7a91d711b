"""What paraphe's identity (which decides whether earlier outputs are reused) reads of its own package."""

from __future__ import annotations

from pathlib import Path

from paraphe.incremental import _package_files


def test_code_schemas_and_data_in_every_folder_are_read_bytecode_is_not(tmp_path: Path) -> None:
    for name in (
        "b.py",
        "a/z.json",
        "a/policy.yaml",
        "a/notes.txt",
        "__pycache__/b.cpython-311.py",
        "a/__pycache__/x.py",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert _package_files(tmp_path) == ["a/policy.yaml", "a/z.json", "b.py"]


def test_the_installed_package_is_read_whole() -> None:
    package = Path(__file__).resolve().parents[2] / "src" / "paraphe"
    found = _package_files(package)
    assert "incremental.py" in found and "data/convention.schema.json" in found and "data/policy.yaml" in found
    assert not any("__pycache__" in name for name in found)
