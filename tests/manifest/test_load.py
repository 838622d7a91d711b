"""The YAML loader: safe, strict, and it knows where everything is."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from paraphe.errors import ManifestError
from paraphe.manifest.load import load_manifest, load_manifest_bytes


def load(tmp_path: Path, text: str | bytes):
    path = tmp_path / "m.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return load_manifest(path)


def error_of(tmp_path: Path, text: str | bytes) -> str:
    with pytest.raises(ManifestError) as caught:
        load(tmp_path, text)
    return str(caught.value)


def test_yaml_11_surprises_stay_text(tmp_path: Path) -> None:
    data = load(tmp_path, "a: no\nb: 012345\nc: 1:20\nd: 2020-10-09\ne: on\nf: 2021\ng: 14.8\nh: true\n").data
    assert data == {
        "a": "no",
        "b": "012345",
        "c": "1:20",
        "d": "2020-10-09",
        "e": "on",
        "f": 2021,
        "g": 14.8,
        "h": True,
    }


def test_positions_of_values_and_keys(tmp_path: Path) -> None:
    loaded = load(tmp_path, "# comment\nsections:\n  - title: A\n    actions:\n      - id: x\n")
    assert loaded.source.values[("sections", 0, "actions", 0, "id")] == (5, 13)
    assert loaded.source.keys[("sections", 0, "title")] == (3, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: !!python/object/apply:os.system ['true']\n", "m.yaml:1:4: error: YAML tags are not allowed"),
        ("a: &x [1]\nb: *x\n", "m.yaml:2:4: error: YAML aliases (*name) are not allowed"),
        ("a: 1\nb: 2\na: 3\n", "m.yaml:3:1: error: duplicate key 'a' (first defined at line 1)"),
        ("a: 1\n---\nb: 2\n", "several YAML documents"),
        ("a: [1\n", "[yaml.syntax]"),
        ("<<: {a: 1}\n", "merge keys"),
        ("", "the manifest is empty"),
    ],
)
def test_refused_yaml(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in error_of(tmp_path, text)


def test_alias_bomb_is_refused_unexpanded(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]")
    tracemalloc.start()
    try:
        assert "aliases" in error_of(tmp_path, "\n".join(lines) + "\n")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 2**20  # 9^12 strings if expanded


def test_encoding_problems_are_located(tmp_path: Path) -> None:
    assert "m.yaml:2:4: error: the manifest is not valid UTF-8" in error_of(tmp_path, b"a: 1\nb: \xff\n")
    assert "U+0000" in error_of(tmp_path, b"a: x\x00y\n")
    assert "m.yaml:1:5: error: forbidden character U+202E" in error_of(tmp_path, "a: x\u202ey\n")
    assert load(tmp_path, b"\xef\xbb\xbfa: 1\n").data == {"a": 1}


def test_size_limit(tmp_path: Path) -> None:
    assert "too large" in error_of(tmp_path, "a: " + "x" * (3 * 1024 * 1024) + "\n")


# ---------------------------------------------------------------------- from bytes


def test_bytes_load_as_the_file_does(tmp_path: Path) -> None:
    content = "\ufeff# comment\nsections:\n  - title: A\n    actions:\n      - id: x\n".encode()
    from_file = load(tmp_path, content)
    stands = tmp_path / "nowhere" / "m.yaml"  # where it stands need not exist: nothing is read there
    from_bytes = load_manifest_bytes(content, path=stands, shown="v1:m.yaml")
    assert from_bytes.data == from_file.data
    assert (from_bytes.source.values, from_bytes.source.keys) == (from_file.source.values, from_file.source.keys)
    assert from_bytes.digest == from_file.digest  # of the bytes given, BOM included
    assert (from_bytes.path, from_bytes.source.file) == (stands, "v1:m.yaml")
    assert not stands.parent.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b"a: 1\nb: 2\na: 3\n",
            "v1:m.yaml:3:1: error: duplicate key 'a' (first defined at line 1) [yaml.duplicate-key]",
        ),
        (b"a: 1\nb: \xff\n", "v1:m.yaml:2:4: error: the manifest is not valid UTF-8; save it as UTF-8 [io.encoding]"),
        (b"", "v1:m.yaml:1:1: error: the manifest is empty [yaml.empty]"),
        (
            b"a: " + b"x" * (3 * 1024 * 1024) + b"\n",
            f"v1:m.yaml: error: manifest too large ({3 * 1024 * 1024 + 4} bytes; the limit is 2097152) [io.size]",
        ),
    ],
)
def test_bytes_diagnostics_name_what_is_shown(tmp_path: Path, content: bytes, expected: str) -> None:
    with pytest.raises(ManifestError) as caught:
        load_manifest_bytes(content, path=tmp_path / "m.yaml", shown="v1:m.yaml")
    assert str(caught.value) == expected
