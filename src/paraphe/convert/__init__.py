"""Convert stage: .docx → .pdf through LibreOffice, several documents per process, or on unoserver instances."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from paraphe.convert.ahead import offices_started, release_office
from paraphe.convert.libreoffice import (
    Cancellation,
    Document,
    Outcome,
    Ready,
    convert_batch,
    convert_documents,
    convert_to_pdf,
    soffice_timeout,
)
from paraphe.convert.soffice import find_soffice

__all__ = [
    "Cancellation",
    "Converter",
    "Document",
    "Outcome",
    "Ready",
    "convert_batch",
    "convert_documents",
    "convert_to_pdf",
    "find_soffice",
    "parse_converter",
    "release_office",
]

if TYPE_CHECKING:  # the pool's client (xmlrpc, http) loads only for a pool
    from paraphe.convert.unoserver import Address

LOCAL = "local"


@dataclass(frozen=True)
class Converter:
    """Where conversions run: a local LibreOffice per batch (no pool), or a pool of unoserver instances."""

    pool: tuple[Address, ...] = ()
    timeout: float = field(default_factory=soffice_timeout)  # a malformed setting: UsageError (io.setting)
    pdfa: bool = True  # archival PDF/A-2 (`build --no-pdfa` turns it off)

    def convert(
        self, documents: Sequence[Document], ready: Ready | None = None, cancellation: Cancellation | None = None
    ) -> list[Outcome]:
        """Each document's outcome, in order; `ready`, locally, hears of some documents as soon as they
        are finished, while LibreOffice converts the next ones; `cancellation` lets another thread stop
        a local conversion (a pool's runs to its timeout)."""
        if self.pool:
            from paraphe.convert.unoserver import convert_on_pool

            return convert_on_pool(documents, self.pool, timeout=self.timeout, pdfa=self.pdfa)
        return convert_documents(
            documents, timeout=self.timeout, pdfa=self.pdfa, ready=ready, cancellation=cancellation
        )

    def started_ahead(self, count: int) -> contextlib.AbstractContextManager[Callable[[], None]]:
        """`count` local LibreOffice processes started now, each to serve the conversions of one worker
        to come, and a function that starts one more (for a worker forked later); all ended on leaving.
        Nothing for a pool, whose instances are kept warm."""
        if self.pool:
            return contextlib.nullcontext(lambda: None)
        return offices_started(count, timeout=self.timeout)

    def __str__(self) -> str:
        return "unoserver://" + ",".join(str(a) for a in self.pool) if self.pool else LOCAL


def parse_converter(spec: str, *, pdfa: bool = True) -> Converter:
    """`local` or `unoserver://HOST:PORT[,HOST:PORT…]`; ValueError says what is wrong."""
    if spec == LOCAL:
        return Converter(pdfa=pdfa)
    from paraphe.convert.unoserver import parse_pool

    return Converter(parse_pool(spec), pdfa=pdfa)
