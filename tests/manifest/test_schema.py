"""The schema is the manifest's documentation: complete, closed, and mirrored in the README."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

from paraphe.resources import SCHEMA_PATH
from support import ROOT

# The schema the package ships, as an installed paraphe reads it.
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def objects(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield path, node
        for key, value in node.items():
            yield from objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from objects(value, f"{path}/{i}")


def test_every_object_is_closed() -> None:
    for path, node in objects(SCHEMA):
        assert "additionalProperties" in node, path
        assert node["additionalProperties"] is not True, path


def test_every_property_has_title_and_description() -> None:
    for path, node in objects(SCHEMA):
        for key, prop in node.get("properties", {}).items():
            assert prop.get("title") and prop.get("description"), f"{path}/properties/{key}"


def test_readme_reference_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "manifest-reference"), "--check"],
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
