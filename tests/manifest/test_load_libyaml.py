"""libyaml parses, the pure-Python parser is the reference: same values, same places, same refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from paraphe.errors import ManifestError
from paraphe.manifest import load
from paraphe.manifest.load import load_manifest_bytes
from paraphe.manifest.source_map import SourceMap

ROOT = Path(__file__).resolve().parents[2]
needs_libyaml = pytest.mark.skipif(load._C_PARSER is None, reason="PyYAML built without libyaml")

# Texts where two parsers could place or read things differently.
TRICKY = [
    "a: 1\r\nb:\r\n  - x\r\n  - y\r\n",
    "a: 1\rb: 2\r",
    "\ufeffa: b\n",
    "titre: « Lozère » – 14,8 ‰ 𝄞 emoji 🙂\nsuite: é\n",
    "a:\n- x\n- y: 1\n  z: 2\nb: [1, 2.5, true, null, ~, '', \"q\"]\n",
    "a: {x: 1, y: [a, b]}\nb: >\n  plié\n  texte\nc: |-\n  gardé\n   tel\nd: 'l''apostrophe'\n",
    "? complexe\n: valeur\n",
    'a:\n  # commentaire\n  b: 1   # fin\n\n\n  c: "x\\ty"\n',
    "- 1\n- - 2\n  - 3\n- k: v\n",
    "a: b: c\n",
    "a: [1, 2\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "a: 1\na: 2\n",
    "--- a\n--- b\n",
    "a:\n\t- tab\n",
    "a: 'unterminated\n",
    "a:\n" + "".join(f"  - {n}\n" for n in range(50_001)),
    "a: " + "[" * 41 + "]" * 41 + "\n",
    "a:\n" + "".join(" " * (2 * d) + f"k{d}:\n" for d in range(1, 42)) + " " * 84 + "v: 1\n",
    "a: 123456789012345678\n",
    "",
    "# only a comment\n",
    "k" * 1100 + ": v\n",
    'a: "\\u00e9\\x41 \\"q\\""\n',
    "%YAML 1.1\n---\na: 1\n...\n",
    "a: |\n  x\n\n\nb: >+\n  y\n\nc: 1\n",
    "a: x\u00a0\n",
    '"clé": "valeur\nsur deux lignes"\n',
]


def corpus() -> list[Path]:
    folders = [ROOT / "tests", ROOT / "conventions", ROOT / "src" / "paraphe" / "data"]
    return sorted(p for folder in folders for p in folder.rglob("*.yaml"))


def parsed(parse: Any, text: str) -> tuple[Any, SourceMap] | str:
    try:
        root = parse(text)
    except yaml.YAMLError as exc:
        return f"refused: {exc}"
    except load._Refused as exc:  # paraphe's own refusal, from libyaml's marks: no second parse
        return f"placed: {exc.rule} {exc.message} at {exc.mark.line}:{exc.mark.column}"
    if root is None:
        return "empty"
    source = SourceMap("m.yaml")
    try:
        return load._build(root, (), source), source
    except ManifestError as exc:  # no second parse for these: libyaml's marks are the ones quoted
        return f"placed: {exc}"


def python_only(text: str) -> Any:
    loader = load._StrictLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def libyaml(text: str) -> Any:
    return load._StrictCLoader(text).get_single_node()


@needs_libyaml
@pytest.mark.parametrize("text", TRICKY, ids=[f"text-{i}" for i in range(len(TRICKY))])
def test_tricky_texts_read_and_placed_alike(text: str) -> None:
    reference, fast = parsed(python_only, text), parsed(libyaml, text)
    if isinstance(fast, str) and fast.startswith("refused"):
        return  # the pure-Python parser is asked again, and its diagnostic is the one shown
    assert fast == reference


@needs_libyaml
def test_every_yaml_of_the_repository_read_and_placed_alike() -> None:
    files = corpus()
    assert len(files) > 100
    for path in files:
        raw = path.read_bytes()
        try:
            text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        except UnicodeDecodeError:
            continue  # refused before any parser sees it
        fast = parsed(libyaml, text)
        if isinstance(fast, str) and fast.startswith("refused"):
            continue
        assert fast == parsed(python_only, text), path


@needs_libyaml
def test_a_refusal_is_worded_by_the_pure_python_parser(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as caught:
        load_manifest_bytes(b"a: b: c\n", path=tmp_path / "m.yaml", shown="m.yaml")
    assert str(caught.value) == (
        "m.yaml:1:5: error: mapping values are not allowed here; likely cause: a text that contains ': ' must be"
        ' between quotes ("…") [yaml.syntax]'
    )


def test_without_libyaml_the_same_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = ROOT / "conventions" / "lozere" / "sdsf-2020-2023.yaml"
    fast = load_manifest_bytes(manifest.read_bytes(), path=manifest, shown="sdsf.yaml")
    monkeypatch.setattr(load, "_C_PARSER", None)
    slow = load_manifest_bytes(manifest.read_bytes(), path=manifest, shown="sdsf.yaml")
    assert (slow.data, slow.source, slow.digest) == (fast.data, fast.source, fast.digest)


def quick(text: str) -> tuple[Any, SourceMap] | None:
    from paraphe.manifest.quick_read import quick_read

    assert load._C_PARSER is not None
    return quick_read(load._C_PARSER(text), "m.yaml")


@needs_libyaml
@pytest.mark.parametrize("text", TRICKY, ids=[f"text-{i}" for i in range(len(TRICKY))])
def test_the_one_pass_reading_gives_the_reference_values_and_places_or_nothing(text: str) -> None:
    reference, fast = parsed(python_only, text), quick(text)
    if isinstance(reference, str):  # refused, or empty: the reference path has to say so
        assert fast is None
    else:  # left to the reference path (libyaml cannot encode a lone surrogate), or read alike
        assert fast is None or fast == reference


@needs_libyaml
def test_the_one_pass_reading_of_every_yaml_of_the_repository() -> None:
    read = 0
    for path in corpus():
        try:
            text = path.read_bytes().removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        except UnicodeDecodeError:
            continue
        reference, fast = parsed(python_only, text), quick(text)
        if isinstance(reference, str):
            assert fast is None, path
        elif fast is not None:
            assert fast == reference, path
            read += 1
    assert read > 100


@needs_libyaml
@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("a: &x 1\nb: 2\n", False),  # an anchor never aliased: the reference path reads it
        ("a: ! 1\nb: ! x\n", True),  # the non-specific tag: text
        ("? [a]\n: b\n", False),
        ("<<: {a: 1}\n", False),
        ("--- a\n", True),
        ("a: " + "[" * 39 + "]" * 39 + "\n", True),  # the deepest
        ("a: " + "[" * 40 + "]" * 40 + "\n", False),  # refused
        ("a:\n" + "".join(f"  - {n}\n" for n in range(49_997)), True),  # the most values
        ("a:\n" + "".join(f"  - {n}\n" for n in range(49_998)), False),  # refused
    ],
    ids=[
        *("anchor", "non-specific-tag", "key-not-text", "merge", "one-document"),
        *("deepest", "too-deep", "most", "too-many"),
    ],
)
def test_what_the_one_pass_reading_reads_and_leaves_to_the_reference_path(text: str, read: bool) -> None:
    reference, fast = parsed(python_only, text), quick(text)
    if read:
        assert fast is not None
        assert fast == reference
    else:
        assert fast is None
