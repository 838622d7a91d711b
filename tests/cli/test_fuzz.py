"""Fuzzing `paraphe validate` and `build` with hypothesis, for a bounded time.

Random manifests come from the minimal one: structured mutations of its tree (a value replaced by
random text or another type, a key deleted or added, a list item repeated), and raw mutations of its
bytes. Whatever comes in, the answer is a list of located diagnostics (`file:line:col: error: … [rule]`)
and exit 0 or 1: never a traceback, never a hang.
"""

from __future__ import annotations

import contextlib
import copy
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paraphe.cli.main import cli
from paraphe.manifest.load import load_manifest
from support import MINIMAL, hostile_inputs

BASE: dict[str, Any] = load_manifest(MINIMAL).data
LOCATED = r"^.+?(:\d+:\d+)?: (error|warning): .+ \[[\w.-]+\]$"
SUMMARY = r"^(\d+ built, \d+ reused, \d+ failed in .*|\d+ of \d+ manifest\(s\) invalid.*|\d+ manifest\(s\) valid)$"

# Texts that have fooled YAML or template engines before, and any text at all (surrogates included).
TRICKY = st.sampled_from(
    ["no", "yes", "on", "012345", "1:20", "2020-10-09", "~", "null", ".nan", "{{ title }}", "{% if x %}",
     "</w:t>", "&amp; <b>", "[à compléter]", "\u202eHCSTAH", "\x07", "\ud800", "x" * 20_000, "Ⅻ", "-1", "1e9"]
)  # fmt: skip
TEXT = st.one_of(TRICKY, st.text(st.characters(codec=None), max_size=40))
# Text a secretariat could type: what reaches the template, LibreOffice and the PDF.
PRINTABLE = st.one_of(
    st.sampled_from(["{{ title }}", "{% if x %}", "</w:t>", "&amp; <b>", "« Ⅻ »", "a\tb", "x" * 3000]),
    st.text(st.characters(exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")), min_size=1, max_size=60),
)
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT)
VALUE = st.recursive(
    SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=6
)

# `make test` runs the same 80 examples each time (reproducible); PARAPHE_FUZZ=N runs N new random ones.
RANDOM_EXAMPLES = int(os.environ.get("PARAPHE_FUZZ", "0"))

FUZZ = settings(
    max_examples=RANDOM_EXAMPLES or 80,
    deadline=None,  # a slow example is caught by the alarm below, a hang too
    database=None,
    derandomize=not RANDOM_EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@contextlib.contextmanager
def alarm(seconds: int) -> Iterator[None]:
    """Fail, rather than hang, when one example takes longer than `seconds`."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    """The minimal manifest with one to four random changes anywhere in its tree."""
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 4))):
        container: Any = data
        while True:
            keys = list(container) if isinstance(container, dict) else list(range(len(container)))
            if not keys:
                break
            key = draw(st.sampled_from(keys))
            child = container[key]
            if isinstance(child, (dict, list)) and child and draw(st.booleans()):
                container = child
                continue
            operation = draw(st.sampled_from(["replace", "delete", "add", "repeat"]))
            if operation == "replace":
                container[key] = draw(VALUE)
            elif operation == "delete":
                del container[key]
            elif operation == "add" and isinstance(container, dict):
                container[draw(TEXT)] = draw(VALUE)
            elif isinstance(container, list):
                container.insert(key, copy.deepcopy(child))
            break
    return data


def dump(data: Any) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogateescape")


def assert_answered(result: Result, *, codes: tuple[int, ...] = (0, 1)) -> None:
    import re

    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in codes, result.output
    for line in result.stderr.splitlines():
        assert re.match(SUMMARY, line) or re.match(LOCATED, line), line


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(data=mutated())
def test_validate_structured_mutations(folder: Path, data: dict[str, Any]) -> None:
    manifest = folder / "m.yaml"
    manifest.write_bytes(dump(data))
    with alarm(20):
        assert_answered(CliRunner().invoke(cli, ["validate", str(manifest)]))


@FUZZ
@given(
    cut=st.integers(0, len(MINIMAL.read_bytes())),
    length=st.integers(0, 40),
    insert=st.one_of(st.binary(max_size=20), TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))),
)
def test_validate_raw_mutations(folder: Path, cut: int, length: int, insert: bytes) -> None:
    original = MINIMAL.read_bytes()
    manifest = folder / "raw.yaml"
    manifest.write_bytes(original[:cut] + insert + original[cut + length :])
    with alarm(20):
        assert_answered(CliRunner().invoke(cli, ["validate", str(manifest)]))


@settings(FUZZ, max_examples=2)
@given(title=PRINTABLE, paragraph=PRINTABLE)
def test_build_random_text(tmp_path_factory: pytest.TempPathFactory, soffice: str, title: str, paragraph: str) -> None:
    """A few examples through the whole build (real LibreOffice): random text where text is meant."""
    data = copy.deepcopy(BASE)
    data["title"] = title
    data["preamble"] = [paragraph]
    folder = tmp_path_factory.mktemp("fuzz-build")
    (folder / "m").mkdir()
    manifest = folder / "m" / "manifest.yaml"
    manifest.write_bytes(dump(data))
    with alarm(240):
        result = CliRunner().invoke(cli, ["build", str(manifest), "--out", str(folder / "out")])
    assert_answered(result)
    assert not list(folder.rglob("*.part"))


def _annex_pdf() -> bytes:
    return bytes(hostile_inputs.javascript())  # the richest of the small PDFs: names tree, actions, a page


ANNEX = _annex_pdf()


@settings(FUZZ, max_examples=RANDOM_EXAMPLES or 15)  # each example starts the guard's child process
@given(
    cut=st.integers(0, len(ANNEX)),
    length=st.integers(0, 30),
    insert=st.binary(max_size=30),
)
def test_validate_mutated_annex(folder: Path, cut: int, length: int, insert: bytes) -> None:
    """A damaged or doctored annex PDF: the guard's child may fail any way, validate still answers."""
    annexes = folder / "annexes"
    annexes.mkdir(exist_ok=True)
    (annexes / "piece.pdf").write_bytes(ANNEX[:cut] + insert + ANNEX[cut + length :])
    data = copy.deepcopy(BASE)
    data["annexes"].append({"title": "Pièce jointe", "file": "annexes/piece.pdf"})
    manifest = folder / "annexed.yaml"
    manifest.write_bytes(dump(data))
    with alarm(60):
        assert_answered(CliRunner().invoke(cli, ["validate", str(manifest)]))
