"""Shared fixtures: real LibreOffice, found once (a test that needs it is marked `soffice`); a SoftHSM2 token."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from support.softhsm import SoftHsm, make_softhsm

# Messages follow the locale (paraphe.i18n): the tests compare English ones to the letter, so they
# run in the C locale, and so does every process they start. Tests of French set it themselves.
for _variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_variable, None)
os.environ["LANG"] = "C.UTF-8"
# Every build the tests make digests its content both ways (qpdf's quick reading, pypdf's) and stops on a difference.
os.environ["PARAPHE_CHECK_DIGEST"] = "1"
# Every manifest jsonschema-rs accepts is validated by jsonschema too, and the test stops if it refuses it.
os.environ["PARAPHE_CHECK_SCHEMA"] = "1"
# Every signature page read by qpdf (`page_text`) is read by pypdf too, and the test stops on a difference.
os.environ["PARAPHE_CHECK_TEXT"] = "1"


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


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoftHsm]:
    """A SoftHSM2 token, initialised here before any test loads the module (which reads its
    configuration once per process)."""
    previous = os.environ.get("SOFTHSM2_CONF")
    made = make_softhsm(tmp_path_factory.mktemp("softhsm"))
    if made is None:
        pytest.skip("SoftHSM2 is not installed (run `make setup`)")
    yield made
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous
