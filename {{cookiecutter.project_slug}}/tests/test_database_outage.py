"""A database that stops answering (frozen, not gone) costs each request a bounded wait and a 503
with Retry-After, never a hang or a 500; readiness answers within its own timeout; the service
recovers by itself.

Marked `live`: against `python -m app.server` on a database of its own, frozen through
tests/database.py's `freezable`, which touches no server that other tests use.
"""

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable

import httpx
import pytest

from tests.clients import live_owner_headers
from tests.database import freezable
from tests.live_server import server_process

pytestmark = pytest.mark.live

BOUND_SECONDS = 1
# Each bound, for the server: a free connection, a statement, a lock, readiness.
BOUNDS = {
    "DB_POOL_TIMEOUT": str(BOUND_SECONDS),
    "DB_TIMEOUT_SECONDS": str(BOUND_SECONDS),
    "SQLITE_BUSY_TIMEOUT_MS": str(BOUND_SECONDS * 1000),
    "READINESS_TIMEOUT_SECONDS": str(BOUND_SECONDS),
}
CONCURRENT = 12


def make_item(client: httpx.AsyncClient, name: str) -> Awaitable[httpx.Response]:
    return client.post("/items/", json={"name": name, "price": 1})


async def timed(request: Awaitable[httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await request
    return response, time.monotonic() - started


async def test_a_frozen_database_is_a_bounded_503_then_recovers(live_database: str) -> None:
    with (
        freezable(live_database) as (url, freeze),
        server_process("app.server", url, BOUNDS) as (_, base_url),
    ):
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
            client.headers.update(await live_owner_headers(client))
            before = await make_item(client, "before")
            freeze(True)
            during = await asyncio.gather(
                *(timed(make_item(client, f"during{n}")) for n in range(CONCURRENT)),
                timed(client.get("/health/ready")),
            )
            freeze(False)
            after = await make_item(client, "after")

    *writes, (ready, ready_seconds) = during
    statuses = Counter(response.status_code for response, _ in writes)
    slowest = max(seconds for _, seconds in writes)
    assert (before.status_code, after.status_code) == (201, 201)
    assert statuses == {503: CONCURRENT}, statuses
    assert all(response.headers["Retry-After"] for response, _ in writes)
    # Generous bounds, as a loaded machine needs: the point is seconds, not the freeze's minutes.
    assert slowest < BOUND_SECONDS * 4 + 2, f"the slowest 503 took {slowest:.1f} s"
    assert ready_seconds < BOUND_SECONDS + 2, f"readiness took {ready_seconds:.1f} s"
    assert ready.status_code in (200, 503)  # SQLite in WAL mode still reads when writes wait
