"""Conversion on a pool of unoserver instances (https://github.com/unoconv/unoserver).

For users who outgrow one machine: each address is a LibreOffice kept warm by
`unoserver`, reached over its XML-RPC interface (API 3). Documents are spread over
the instances; a document whose instance fails or does not answer in time is
tried once more on the next one, then reported with its name.
"""

from __future__ import annotations

import http.client
import logging
import xmlrpc.client
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from paraphe.convert.libreoffice import Document, Outcome, filter_options
from paraphe.diagnostics import Location
from paraphe.errors import ConversionError
from paraphe.i18n import _

log = logging.getLogger(__name__)

SCHEME = "unoserver://"
API_VERSION = "3"


@dataclass(frozen=True)
class Address:
    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def parse_pool(spec: str) -> tuple[Address, ...]:
    """`unoserver://host:port[,host:port…]` → addresses; ValueError says what is wrong."""
    if not spec.startswith(SCHEME):
        raise ValueError(f"expected {SCHEME}HOST:PORT[,HOST:PORT…], got {spec!r}")
    addresses = []
    for item in spec[len(SCHEME) :].split(","):
        host, _, port = item.strip().rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"not a HOST:PORT address: {item!r}")
        addresses.append(Address(host.strip("[]"), int(port)))
    return tuple(addresses)


class _TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host: tuple[str, dict[str, str]] | str) -> http.client.HTTPConnection:
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


def convert_on_pool(
    documents: Sequence[Document], pool: Sequence[Address], *, timeout: float, pdfa: bool = True
) -> list[Outcome]:
    """Each document converted on one instance of `pool`, spread evenly, in parallel."""
    if not documents:
        return []
    with ThreadPoolExecutor(max_workers=len(pool)) as executor:
        futures = [
            executor.submit(_convert_with_retry, document, pool, index % len(pool), timeout, pdfa)
            for index, document in enumerate(documents)
        ]
        return [future.result() for future in futures]


def _convert_with_retry(document: Document, pool: Sequence[Address], first: int, timeout: float, pdfa: bool) -> Outcome:
    outcome = _convert_one(document, pool[first], timeout, pdfa)
    if isinstance(outcome, ConversionError):
        retry_on = pool[(first + 1) % len(pool)]
        log.info("retrying %s on %s: %s", document.name, retry_on, outcome.diagnostics[0].message)
        retried = _convert_one(document, retry_on, timeout, pdfa)
        if isinstance(retried, ConversionError):
            first_problem = retried.diagnostics[0]
            return ConversionError.at(
                first_problem.location, _("{message} (tried twice)", message=first_problem.message), first_problem.rule
            )
        return retried
    return outcome


def _convert_one(document: Document, address: Address, timeout: float, pdfa: bool) -> Outcome:
    where = Location(document.name)
    proxy = xmlrpc.client.ServerProxy(f"http://{address}", allow_none=True, transport=_TimeoutTransport(timeout))
    options = [f"{name}={spec['value']}" for name, spec in filter_options(pdfa=pdfa).items()]
    try:
        with proxy:
            result = proxy.convert(
                None, xmlrpc.client.Binary(document.docx), None, "pdf", "writer_pdf_Export", options, True, None, None
            )
    except TimeoutError:
        return ConversionError.at(
            where,
            _("unoserver at {address} did not answer within {timeout:g} s", address=address, timeout=timeout),
            "convert.timeout",
        )
    except OSError as exc:
        return ConversionError.at(
            where,
            _("cannot reach unoserver at {address}: {reason}", address=address, reason=exc.strerror or exc),
            "convert.start",
        )
    except xmlrpc.client.Fault as exc:
        return ConversionError.at(
            where,
            _("unoserver at {address} failed: {fault}", address=address, fault=exc.faultString.strip()[-200:]),
            "convert.failed",
        )
    except (xmlrpc.client.ProtocolError, http.client.HTTPException) as exc:
        return ConversionError.at(
            where, _("unoserver at {address} answered badly: {exc}", address=address, exc=exc), "convert.failed"
        )
    data = result.data if isinstance(result, xmlrpc.client.Binary) else b""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        return ConversionError.at(
            where, _("unoserver at {address} returned no complete PDF", address=address), "convert.bad-output"
        )
    return data
