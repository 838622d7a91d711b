"""What the signing tests share: a local PKI with its services (certomancer), the minimal convention
built once, both at the same frozen moment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner

from paraphe.cli.main import cli
from support import MINIMAL
from support.csc import serve_csc
from support.pki import LOZERE_PEOPLE, SIGNER_VALIDITY, SIGNING, LocalPki, serve_pki


@pytest.fixture(scope="session")
def local_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPki]:
    with time_machine.travel(SIGNING, tick=True):
        # « homonym »: another Valérie HATSCH, certified by the same authority.
        people = {**LOZERE_PEOPLE, "secretariat": "Secrétariat du SDSF", "homonym": "Valérie HATSCH"}
        emails = {"prefete": "valerie.hatsch@lozere.gouv.fr", "homonym": "valerie.hatsch@example.org"}
        folder = tmp_path_factory.mktemp("local-pki")
        with serve_pki(folder, people, signers=SIGNER_VALIDITY, emails=emails) as served:
            yield served


@pytest.fixture(scope="session")
def minimal_built(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Path:
    """The minimal convention, final, not certified (only signatures protect it)."""
    out = tmp_path_factory.mktemp("minimal-built")
    with time_machine.travel(SIGNING, tick=True):
        result = CliRunner().invoke(cli, ["build", str(MINIMAL), "--out", str(out), "--no-certify"])
    assert result.exit_code == 0, result.output
    return next(out.rglob("sdsf-mini.pdf"))


@pytest.fixture(scope="session")
def csc_service(local_pki: LocalPki) -> Iterator[str]:
    """A remote signing service (CSC API) holding the keys of the local PKI."""
    with serve_csc(local_pki) as url:
        yield url
