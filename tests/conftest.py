"""Shared fixtures: real LibreOffice, found once; a test that needs it is marked `soffice`."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def soffice() -> str:
    from paraphe.convert import find_soffice

    found = find_soffice()
    if found is None:
        pytest.skip("LibreOffice is not installed (run `make setup`)")
    return found


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs LibreOffice, directly or through a fixture, is marked `soffice` (slow)."""
    for item in items:
        if "soffice" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.soffice)
