"""Concurrent requests against a real server process, on a database of its own.

Marked `live`: `uv run pytest -m "not live"` leaves them out of a quick run.
"""

import asyncio
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from app.db.engine import create_engine
from app.users.models import User
from tests.live_server import live_server
from tests.schema import create_schema

pytestmark = pytest.mark.live

SIGN_UPS = 200


@pytest.fixture
async def live_database(live_database_url: str) -> str:
    """The server's database, with the schema built as for the tests."""
    engine = create_engine(live_database_url)
    async with engine.begin() as connection:
        await create_schema(connection)
    await engine.dispose()
    return live_database_url


@pytest.fixture
def server(live_database: str) -> Iterator[str]:
    with live_server(live_database) as base_url:
        yield base_url


async def usernames_stored(database_url: str) -> Counter[str]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(User.username, func.count()).group_by(User.username)
            )
            return Counter(dict(rows.all()))
    finally:
        await engine.dispose()


async def test_racing_sign_ups_end_in_one_user_per_name_and_conflicts(
    server: str, live_database: str
) -> None:
    names = [f"racer{n}" for n in range(SIGN_UPS // 2)] * 2
    limits = httpx.Limits(max_connections=SIGN_UPS)
    async with httpx.AsyncClient(base_url=server, timeout=60, limits=limits) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    "/users/",
                    json={"username": name, "email": f"{name}@example.com", "password": "s3cret!!"},
                )
                for name in names
            )
        )

    statuses = Counter(response.status_code for response in responses)
    created = Counter(
        response.json()["username"] for response in responses if response.status_code == 201
    )
    assert statuses == {201: SIGN_UPS // 2, 409: SIGN_UPS // 2}
    assert created == Counter(set(names))
    assert await usernames_stored(live_database) == Counter(set(names))
