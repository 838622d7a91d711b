"""The CTG of Gévaudan signed, then amended by avenants built, signed and verified for real.

A throwaway PKI (paraphe.sign.throwaway) issues each signatory's certificate; LibreOffice builds;
signing and verifying go through the command line; time is frozen on signing days.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine

from support.avenants import (
    GEVAUDAN,
    ORIGINAL_SIGNATORIES,
    PEOPLE,
    SIGNED_AVENANT,
    SIGNED_ORIGINAL,
    Pki,
    build,
    cite_signed,
    sign_all,
)


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    with time_machine.travel(SIGNED_ORIGINAL, tick=True):
        return Pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def gevaudan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the Gévaudan folder the tests may add files to (signed PDFs, other avenants)."""
    folder = tmp_path_factory.mktemp("conventions") / "gevaudan"
    shutil.copytree(GEVAUDAN, folder)
    return folder


@pytest.fixture(scope="session")
def signed_original(gevaudan: Path, pki: Pki, soffice: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CTG as signed in 2021, kept beside its manifest as `signed/ctg.pdf`."""
    out = tmp_path_factory.mktemp("build-original")
    (gevaudan / "signed").mkdir(exist_ok=True)
    with time_machine.travel(SIGNED_ORIGINAL, tick=True):
        return sign_all(build(gevaudan / "ctg.yaml", out), ORIGINAL_SIGNATORIES, pki, gevaudan / "signed" / "ctg.pdf")


@pytest.fixture(scope="session")
def avenant_pdf(gevaudan: Path, signed_original: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Avenant n° 1, citing the signed original, built (not signed)."""
    cite_signed(gevaudan / "avenant-1.yaml", "signed/ctg.pdf")
    return build(gevaudan / "avenant-1.yaml", tmp_path_factory.mktemp("build-avenant"))


@pytest.fixture(scope="session")
def signed_avenant(avenant_pdf: Path, pki: Pki, gevaudan: Path) -> Path:
    with time_machine.travel(SIGNED_AVENANT, tick=True):
        return sign_all(avenant_pdf, list(PEOPLE), pki, gevaudan / "signed" / "avenant-1.pdf")


@pytest.fixture()
def on_avenant_day() -> Iterator[None]:
    with time_machine.travel(SIGNED_AVENANT, tick=True):
        yield
