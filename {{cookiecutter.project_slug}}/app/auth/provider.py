"""The identity provider's signing keys, read from it and kept in the process.

The keys are read on first use, from the `jwks_uri` of the provider's discovery document, and
trusted for OIDC_KEYS_SECONDS. A token signed with a key not among them has them read again at
once, for a provider that rotated its keys, but at most once in OIDC_REFRESH_SECONDS, and by one
request at a time while the others wait for its answer: a flood of made-up key ids costs the
provider one request.

When the provider fails (down, slow, answering nonsense), the keys already read keep working, so
signed-in users notice nothing; a token signed with another key cannot be checked until it answers
again (`ProviderUnavailableError`). The outage is one warning when it starts and one when it ends.
"""

import asyncio
import logging
import time
from dataclasses import dataclass
from functools import cache
from typing import Any, Self

import httpx
from jwt import PyJWK, PyJWTError

from app.core.config import Settings, get_settings
from app.core.outage import Outage

logger = logging.getLogger(__name__)

# The algorithms that each type of key (`kty`) signs with, for a key that does not name its own.
ALGORITHMS = {
    "RSA": frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}),
    "EC": frozenset({"ES256", "ES384", "ES512"}),
    "OKP": frozenset({"EdDSA"}),
}


@dataclass(frozen=True)
class SigningKey:
    """One of the provider's public keys, and the algorithms that tokens signed with it may name."""

    key: Any
    algorithms: frozenset[str]

    @classmethod
    def from_jwk(cls, jwk: dict[str, Any]) -> Self:
        """Raises PyJWTError for a key of a type or curve that no algorithm here takes."""
        named = jwk.get("alg")
        algorithms = frozenset({named}) if isinstance(named, str) else ALGORITHMS.get(jwk["kty"])
        return cls(PyJWK(jwk).key, algorithms or frozenset())


class ProviderUnavailableError(Exception):
    """The key that a token names is unknown here, and the provider cannot be asked for it now."""

    def __init__(self, retry_seconds: float) -> None:
        self.retry_seconds = retry_seconds
        super().__init__("The identity provider cannot be reached; try again later.")


class ProviderKeys:
    """The signing keys of the provider at `issuer`, by key id."""

    def __init__(
        self,
        issuer: str,
        *,
        keys_seconds: float,
        refresh_seconds: float,
        timeout_seconds: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.issuer = issuer
        self.keys_seconds = keys_seconds
        self.refresh_seconds = refresh_seconds
        self.client = httpx.AsyncClient(timeout=timeout_seconds, transport=transport)
        self.outage = Outage(
            logger,
            failing=f"The identity provider {issuer} fails (%s): tokens signed with the keys "
            "already read are still accepted, others cannot be checked",
            answering=f"The identity provider {issuer} answers again after %.0f s",
            timeout_seconds=timeout_seconds,
            retry_seconds=refresh_seconds,
        )
        self._keys: dict[str, SigningKey] = {}
        self._read_at = -float("inf")
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> SigningKey | None:
        """The key with this id; None when the provider has none such. Raises
        ProviderUnavailableError when it is not known here and the provider is failing."""
        if self._to_read(kid):
            async with self._lock:  # one request reads the keys, the others wait for its answer
                if self._to_read(kid):
                    await self._read()
        key = self._keys.get(kid)
        if key is None and self.outage.since is not None:
            raise ProviderUnavailableError(self.refresh_seconds)
        return key

    def _to_read(self, kid: str) -> bool:
        since = time.monotonic() - self._read_at
        unknown = kid not in self._keys and since >= self.refresh_seconds
        return (unknown or since >= self.keys_seconds) and not self.outage.waiting()

    async def _read(self) -> None:
        try:
            discovery = await self._json(
                f"{self.issuer.removesuffix('/')}/.well-known/openid-configuration"
            )
            if discovery.get("issuer") != self.issuer:
                raise ValueError("its discovery document names another issuer")
            keys = signing_keys(await self._json(str(discovery["jwks_uri"])))
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
            self.outage.failed(error)
            return
        self.outage.ended()
        self._keys = keys
        self._read_at = time.monotonic()

    async def _json(self, url: str) -> dict[str, Any]:
        response = await self.client.get(url)
        response.raise_for_status()
        document = response.json()
        if not isinstance(document, dict):
            raise ValueError(f"{url} did not answer a JSON object")
        return document

    async def close(self) -> None:
        await self.client.aclose()


def signing_keys(jwks: dict[str, Any]) -> dict[str, SigningKey]:
    """The signing keys of a JWK set, by id; keys of a type that no algorithm here takes are left
    out. Raises ValueError when none is left."""
    keys = {}
    for jwk in jwks["keys"]:
        if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str):
            continue
        if jwk.get("use", "sig") == "sig":
            try:
                keys[jwk["kid"]] = SigningKey.from_jwk(jwk)
            except PyJWTError:
                continue
    if not keys:
        raise ValueError("its key set has no signing key that this service can use")
    return keys


@cache
def get_provider_keys() -> ProviderKeys | None:
    """The app's provider keys, as the settings name the provider (None without one)."""
    settings = get_settings()
    if settings.oidc_issuer is None:
        return None
    return ProviderKeys(
        settings.oidc_issuer,
        keys_seconds=settings.oidc_keys_seconds,
        refresh_seconds=settings.oidc_refresh_seconds,
        timeout_seconds=settings.oidc_timeout_seconds,
    )


def docs_sign_in(settings: Settings) -> dict[str, object] | None:
    """How the docs page signs people in at the provider (Swagger UI's OAuth settings): with the
    client that OIDC_DOCS_CLIENT_ID names, by the authorization code flow with PKCE."""
    if settings.oidc_docs_client_id is None:
        return None
    return {
        "clientId": settings.oidc_docs_client_id,
        "usePkceWithAuthorizationCodeGrant": True,
        "scopes": "openid",
    }


async def forget_keys() -> None:
    """Close the client of the keys read, if any, and forget them: the app's lifespan ends so."""
    keys = get_provider_keys() if get_provider_keys.cache_info().currsize else None
    get_provider_keys.cache_clear()
    if keys is not None:
        await keys.close()
