"""A key held by a remote signing service (the Cloud Signature Consortium API), as qualified trust
service providers expose theirs: pyHanko's CSC signer, the document's digest sent, the signature
returned; the key never leaves the service.

Authentication is the service's: an OAuth bearer token and, where the credential asks for one,
a PIN, both given by the caller (the command line reads them from the environment). The service
is reached over HTTPS, or plain HTTP on the loopback address only (a test service).
"""

from __future__ import annotations

import asyncio
import ipaddress
from typing import Any
from urllib.parse import urlsplit

from paraphe.diagnostics import Location
from paraphe.errors import SigningError
from paraphe.i18n import _
from paraphe.sign.credentials import Credentials

# How long the service may take to answer one request.
SERVICE_TIMEOUT = 30


def load_csc(service_url: str, credential_id: str, *, token: str | None = None, pin: str | None = None) -> Credentials:
    """The signer of credential `credential_id` at the CSC service `service_url`."""
    import aiohttp
    from pyhanko.sign.general import SigningError as PyHankoSigningError
    from pyhanko.sign.signers.csc_signer import CSCServiceSessionInfo, fetch_certs_in_csc_credential

    where = Location(f"{service_url.rstrip('/')}#{credential_id}")
    _refuse_clear_text(service_url, where)
    session_info = CSCServiceSessionInfo(service_url.rstrip("/"), credential_id, oauth_token=token)

    async def fetch() -> Any:
        async with aiohttp.ClientSession() as session:
            return await fetch_certs_in_csc_credential(session, session_info, timeout=SERVICE_TIMEOUT)

    try:
        credential = asyncio.run(fetch())
    except (PyHankoSigningError, aiohttp.ClientError, OSError, TimeoutError) as exc:
        message = _("the signing service did not give this credential's certificate: {exc}", exc=exc)
        raise SigningError.at(where, message, "sign.remote") from None
    signer = _remote_signer(session_info, credential, pin)
    return Credentials(signer, credential.signing_cert, where.file)


def _refuse_clear_text(service_url: str, where: Location) -> None:
    parts = urlsplit(service_url)
    if parts.scheme == "https":
        return
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme != "http" or not loopback:
        message = _("a signing service is reached over https (plain http only on the loopback address, for tests)")
        raise SigningError.at(where, message, "sign.remote")


def _remote_signer(session_info: Any, credential: Any, pin: str | None) -> Any:
    """pyHanko's CSC signer, opening an HTTP session per request: paraphe runs each signing step in
    an event loop of its own, and a session belongs to the loop that opened it."""
    import aiohttp
    from pyhanko.sign.signers.csc_signer import CSCAuthorizationInfo, CSCAuthorizationManager, CSCSigner

    class Authorization(CSCAuthorizationManager):
        """Asks the service for the signature activation data of exactly the digests about to be signed."""

        async def authorize_signature(self, hash_b64s: list[str]) -> CSCAuthorizationInfo:
            request = self.format_csc_auth_request(pin=pin, hash_b64s=hash_b64s)
            url = self.csc_session_info.endpoint_url("credentials/authorize")
            timeout = aiohttp.ClientTimeout(total=SERVICE_TIMEOUT)
            async with aiohttp.ClientSession() as session:
                async with session.post(url, headers=self.auth_headers, json=request, timeout=timeout) as response:
                    response.raise_for_status()
                    return self.parse_csc_auth_response(await response.json())

    class RemoteSigner(CSCSigner):
        async def _do_commit(self, batch: Any) -> None:
            async with aiohttp.ClientSession() as session:
                self.session = session
                try:
                    await super()._do_commit(batch)
                finally:
                    self.session = None  # type: ignore[assignment]

    return RemoteSigner(None, Authorization(session_info, credential), sign_timeout=SERVICE_TIMEOUT)  # type: ignore[arg-type]
