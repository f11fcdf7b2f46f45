import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import exc
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.util import greenlet_spawn

from app.db.pool import FairPool
from tests.database import MISSING_DATABASE_URL


@pytest.fixture
async def one_connection(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """An engine on the test database whose pool holds one connection."""
    pooled = create_async_engine(
        engine.url, poolclass=FairPool, pool_size=1, max_overflow=0, pool_timeout=5
    )
    yield pooled
    await pooled.dispose()


async def test_a_returned_connection_goes_to_the_request_that_waited(
    one_connection: AsyncEngine,
) -> None:
    pool = one_connection.sync_engine.pool
    served: list[str] = []

    async def request(name: str) -> None:
        async with one_connection.connect() as connection:
            await connection.get_raw_connection()
            served.append(name)

    held = await greenlet_spawn(pool.connect)
    waiting = asyncio.create_task(request("waited"))
    await asyncio.sleep(0.05)  # in line for the connection

    def hand_back_and_ask_again() -> None:
        held.close()
        # A request that arrives just as the connection comes back queues behind the one waiting.
        pool.connect().close()
        served.append("arrived later")

    await greenlet_spawn(hand_back_and_ask_again)
    await waiting

    assert served == ["waited", "arrived later"]


async def test_no_free_connection_within_the_timeout_is_sqlalchemys_timeout_error(
    engine: AsyncEngine,
) -> None:
    pooled = create_async_engine(
        engine.url, poolclass=FairPool, pool_size=1, max_overflow=0, pool_timeout=0.05
    )
    try:
        async with pooled.connect() as held:
            await held.get_raw_connection()
            with pytest.raises(exc.TimeoutError, match=r"no connection free within 0\.05 s"):
                async with pooled.connect() as second:
                    await second.get_raw_connection()
        # The turn that timed out was not kept: the connection is free again.
        async with pooled.connect() as again:
            await again.get_raw_connection()
    finally:
        await pooled.dispose()


async def test_a_failed_connect_gives_its_turn_back() -> None:
    missing = create_async_engine(
        MISSING_DATABASE_URL, poolclass=FairPool, pool_size=1, max_overflow=0, pool_timeout=0.05
    )
    try:
        # Each try reaches the database and fails there; none waits for a turn a failure kept.
        for _ in range(3):
            with pytest.raises((exc.DBAPIError, OSError)):
                async with missing.connect() as connection:
                    await connection.get_raw_connection()
    finally:
        await missing.dispose()


@pytest.mark.parametrize(("size", "overflow"), [(0, 0), (1, -1)])
def test_an_unbounded_pool_is_refused(engine: AsyncEngine, size: int, overflow: int) -> None:
    with pytest.raises(ValueError, match="bounded pool"):
        create_async_engine(engine.url, poolclass=FairPool, pool_size=size, max_overflow=overflow)
