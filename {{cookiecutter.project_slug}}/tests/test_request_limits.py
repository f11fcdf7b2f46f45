"""Request bodies are capped, and sign-ups are rate-limited per client address, while the limits'
storage answers."""

import dataclasses
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from httpx import AsyncClient
from limits import parse
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import ConnectionPool

from app.api import rate_limit
from app.api.rate_limit import rate_limiter
from app.core.config import get_settings
from tests.api_client import ClientAt
from tests.live_server import OwnNames, free_port
from tests.passwords import sign_up
from tests.relay import Relay

CHUNK = b" " * 65536


async def test_a_body_over_the_limit_is_413(async_client: AsyncClient) -> None:
    limit = get_settings().max_request_bytes

    at_the_limit = await async_client.post("/items/", content=b" " * limit)
    over_it = await async_client.post("/items/", content=b" " * (limit + 1))

    assert (at_the_limit.status_code, over_it.status_code) == (422, 413)


async def test_a_chunked_body_is_refused_while_it_streams_in(async_client: AsyncClient) -> None:
    chunks = 4 * get_settings().max_request_bytes // len(CHUNK)
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(chunks):
            sent += 1
            yield CHUNK

    response = await async_client.post("/items/", content=body())

    assert response.status_code == 413
    assert "content-length" not in response.request.headers
    assert sent < chunks  # the rest was never read


@pytest.mark.usefixtures("fresh_rate_limits")
async def test_sign_ups_over_the_limit_get_429_with_retry_after(
    async_client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "sign_up_rate_limit", "2/minute")

    statuses = [
        (await async_client.post("/users/", json=sign_up(f"limited{n}"))).status_code
        for n in range(2)
    ]
    refused = await async_client.post("/users/", json=sign_up("limited2"))

    assert statuses == [201, 201]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


@pytest.mark.usefixtures("fresh_rate_limits")
async def test_the_limit_counts_per_client_address(
    async_client: AsyncClient,
    client_at: ClientAt,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(), "sign_up_rate_limit", "1/minute")
    await async_client.post("/users/", json=sign_up("limited0"))

    async with client_at("192.0.2.7") as elsewhere:
        from_elsewhere = await elsewhere.post("/users/", json=sign_up("limited1"))
    from_here = await async_client.post("/users/", json=sign_up("limited2"))

    assert (from_elsewhere.status_code, from_here.status_code) == (201, 429)


@pytest.mark.usefixtures("fresh_rate_limits")
async def test_client_addresses_that_do_not_parse_share_one_limit(
    client_at: ClientAt,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(), "sign_up_rate_limit", "1/minute")
    statuses = []

    for n, made_up in enumerate(["not-an-ip", "also-not-an-ip", "999.1.1.1"]):
        async with client_at(made_up) as client:
            statuses.append((await client.post("/users/", json=sign_up(f"limited{n}"))).status_code)

    assert statuses == [201, 429, 429]


@pytest.fixture
async def redis_limiters(redis_url: str) -> AsyncIterator[list[MovingWindowRateLimiter]]:
    """Two limiters on the Redis server at redis_url, as two worker processes have them."""
    pools = [ConnectionPool.from_url(redis_url) for _ in range(2)]
    try:
        yield [rate_limiter(redis_url, connection_pool=pool) for pool in pools]
    finally:
        for pool in pools:
            await pool.disconnect()


async def test_redis_storage_shares_the_counts_between_processes(
    redis_limiters: list[MovingWindowRateLimiter], own_names: OwnNames
) -> None:
    limit, address = parse("3/minute"), own_names.address()

    hits = [await limiter.hit(limit, "sign-up", address) for limiter in redis_limiters * 2]

    assert hits == [True, True, True, False]


# How long the app waits for a storage that does not answer, in the outage test: the app's own
# wait is longer than a test needs to see that it gives up.
SHORT_TIMEOUT_SECONDS = 0.05
# What `storage_at` gives: point the rate limits at a storage's URL, waiting for it at most so many
# seconds; the list that each try of the storage adds to.
StorageAt = Callable[[str, float], list[object]]


@pytest.fixture
async def storage_at(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[StorageAt]:
    """Point the app's rate limits at the Redis storage at a URL, waiting for an answer at most
    timeout_seconds, and return the list that each try of the storage adds to; afterwards, close
    its connections and forget any outage."""
    monkeypatch.setattr(rate_limit, "outage", dataclasses.replace(rate_limit.outage))  # a new one
    pools: list[ConnectionPool] = []

    def use(url: str, timeout_seconds: float) -> list[object]:
        pools.append(ConnectionPool.from_url(url))
        limiter = rate_limiter(url, connection_pool=pools[-1])
        tries: list[object] = []
        hit = limiter.hit

        async def tried(*args: Any, **kwargs: Any) -> bool:
            tries.append(args)
            return await hit(*args, **kwargs)

        monkeypatch.setattr(limiter, "hit", tried)
        monkeypatch.setattr(rate_limit, "get_rate_limiter", lambda: limiter)
        rate_limit.outage.timeout_seconds = timeout_seconds
        return tries

    try:
        yield use
    finally:
        for pool in pools:
            await pool.disconnect()


@pytest.mark.parametrize("storage", ["refusing", "frozen"])
async def test_a_storage_outage_lets_requests_through_quickly_with_one_warning_each_way(
    client_at: ClientAt,
    storage_at: StorageAt,
    redis_url: str,
    own_names: OwnNames,
    log_lines: Callable[[], list[dict[str, object]]],
    monkeypatch: pytest.MonkeyPatch,
    storage: str,
) -> None:
    monkeypatch.setattr(get_settings(), "sign_up_rate_limit", "1/minute")
    redis = urlsplit(redis_url)
    async with client_at(own_names.address()) as client:
        with Relay(redis.hostname or "localhost", redis.port or 6379) as frozen_redis:
            frozen_redis.freeze(True)  # it takes connections and answers nothing
            failing = {"frozen": frozen_redis.port, "refusing": free_port()}[storage]
            tries = storage_at(f"redis://127.0.0.1:{failing}", SHORT_TIMEOUT_SECONDS)
            during = [
                (await client.post("/users/", json=sign_up(f"limited{n}"))).status_code
                for n in range(8)
            ]
        storage_at(redis_url, rate_limit.STORAGE_TIMEOUT_SECONDS)  # the storage is back ...
        rate_limit.outage.next_try = 0  # ... and it is time to try it again
        after = [
            (await client.post("/users/", json=sign_up(f"limited{n}"))).status_code for n in (8, 9)
        ]

    warnings = [line["message"] for line in log_lines() if line["level"] == "WARNING"]
    assert during == [201] * 8
    # Without waiting for the storage again and again: one request found the outage, and the
    # others went through without trying it.
    assert len(tries) == 1
    assert after == [201, 429]
    assert len(warnings) == 2, warnings
    assert str(warnings[0]).startswith("Rate limits are off: their storage failed (")
    if storage == "frozen":
        assert f"(no answer within {SHORT_TIMEOUT_SECONDS:g} s)" in str(warnings[0])
    assert str(warnings[1]).startswith("Rate limits are on again")
