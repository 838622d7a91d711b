"""A Cloud Signature Consortium signing service (certomancer-csc-dummy) for the local PKI, on an
ephemeral port of 127.0.0.1, in a thread with its own event loop, stopped when the `with` ends.
Its credentials are « paraphe/<person> »; it asks for the digests to be named when authorising (SCAL 2)."""

from __future__ import annotations

import asyncio
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web
from csc_dummy.csc_dummy_server import CSCWithCertomancer, DummyServiceParams

from support.pki import ARCH, LocalPki


def credential(person: str) -> str:
    return f"{ARCH}/{person}"


@contextmanager
def serve_csc(pki: LocalPki) -> Iterator[str]:
    """The service's base URL, answering until the block ends."""
    with warnings.catch_warnings():  # the dummy keys its aiohttp app with strings: its own business
        warnings.simplefilter("ignore", web.NotAppKeyWarning)
        service = CSCWithCertomancer(pki.config, service_params=DummyServiceParams(hash_pinning_required=True))
    service.register_routes()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(service.app, access_log=None)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, name="csc-dummy", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
