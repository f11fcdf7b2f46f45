"""The provider's keys: read once, read again for a rotated key but at most once in
OIDC_REFRESH_SECONDS, and, while the provider is down, the keys read before still sign in."""

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator

import jwt
import pytest
from httpx import AsyncClient

from app.auth.provider import ProviderKeys, get_provider_keys
from app.core.config import get_settings
from tests.identity_provider import ISSUER, authorization


def made_up_kid(subject: str) -> str:
    """A token of the provider's, but naming a key id that it never had."""
    newest = list(ISSUER.keys)[-1]
    claims = jwt.decode(ISSUER.token(subject), options={"verify_signature": False})
    return jwt.encode(claims, ISSUER.keys[newest], "ES256", headers={"kid": uuid.uuid4().hex})


@pytest.fixture
async def provider_keys(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ProviderKeys]:
    """The app's provider keys, none read yet, asked again for a key it lacks after 0.05 s: a test
    sets the settings it needs before its first request."""
    monkeypatch.setattr(get_settings(), "oidc_refresh_seconds", 0.05)
    get_provider_keys.cache_clear()
    keys = get_provider_keys()
    assert keys is not None
    yield keys
    get_provider_keys.cache_clear()
    await keys.close()


async def test_a_rotated_key_is_read_without_a_restart(
    anonymous_client: AsyncClient, provider_keys: ProviderKeys
) -> None:
    before = await anonymous_client.get(
        "/users/me", headers=authorization(ISSUER.token("rotating"))
    )
    reads = ISSUER.reads()
    ISSUER.rotate()
    await asyncio.sleep(provider_keys.refresh_seconds)
    after = await anonymous_client.get("/users/me", headers=authorization(ISSUER.token("rotating")))

    assert (before.status_code, after.status_code) == (200, 200)
    assert ISSUER.reads() == reads + 1


async def test_a_flood_of_made_up_key_ids_reads_the_keys_once(
    anonymous_client: AsyncClient, provider_keys: ProviderKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(provider_keys, "refresh_seconds", 60)
    reads = ISSUER.reads()

    responses = await asyncio.gather(
        *(
            anonymous_client.get("/users/me", headers=authorization(made_up_kid(f"f{n}")))
            for n in range(50)
        )
    )

    assert {response.status_code for response in responses} == {401}
    assert ISSUER.reads() == reads + 1  # the first read, for the first of them


async def test_while_the_provider_is_down_known_keys_sign_in_and_others_get_503(
    anonymous_client: AsyncClient,
    provider_keys: ProviderKeys,
    caplog: pytest.LogCaptureFixture,
) -> None:
    known = ISSUER.token("steady")
    await anonymous_client.get("/users/me", headers=authorization(known))
    ISSUER.answering = False
    try:
        ISSUER.rotate()
        await asyncio.sleep(provider_keys.refresh_seconds)
        with caplog.at_level(logging.WARNING, logger="app.auth.provider"):
            unknown = await anonymous_client.get(
                "/users/me", headers=authorization(ISSUER.token("new"))
            )
            during = [
                (await anonymous_client.get("/users/me", headers=authorization(known))).status_code
                for _ in range(3)
            ]
            again = await anonymous_client.get(
                "/users/me", headers=authorization(ISSUER.token("new"))
            )
    finally:
        ISSUER.answering = True
    await asyncio.sleep(provider_keys.refresh_seconds)
    with caplog.at_level(logging.WARNING, logger="app.auth.provider"):
        back = await anonymous_client.get("/users/me", headers=authorization(ISSUER.token("new")))

    assert (unknown.status_code, again.status_code) == (503, 503)
    assert unknown.headers["Retry-After"] == "1"
    assert during == [200, 200, 200]
    assert back.status_code == 200
    warnings = [r.getMessage() for r in caplog.records if r.name == "app.auth.provider"]
    assert len(warnings) == 2, warnings
    assert "fails (HTTPStatusError)" in warnings[0]
    assert "answers again" in warnings[1]
