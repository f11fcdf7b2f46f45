"""The engine under a server process of its own, whose pool works as in production (marked
`live`): the round trips to PostgreSQL per request, counted on the wire by a relay
(tests/database.py), and connections that the server closed.
"""

import asyncio

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests.api_client import filled, operations
{%- if cookiecutter.auth == "oidc" %}
from tests.clients import live_admin_headers, live_owner_headers
from tests.database import RoundTrips, counted
from tests.live_server import live_server
{%- else %}
from tests.clients import live_admin_headers
from tests.database import RoundTrips, counted
from tests.live_server import live_server
from tests.passwords import sign_up
{%- endif %}

pytestmark = pytest.mark.live

# Each path's first requests on a connection prepare its statement (one round trip more).
WARM_UP = 3
COUNTED = 3


async def test_a_read_is_one_round_trip(live_database: str) -> None:
    """One per statement, with no pre-ping, BEGIN or ROLLBACK around it, and never more than two
    (a signed-in user's row, then what was asked for)."""
    # Each path parameter 1: the first user, and the first item; signed in as an admin, who may
    # read every route.
    reads = [filled(path) for method, path in operations() if method == "GET"]
    per_read: dict[str, float] = {}
    with counted(live_database) as (url, round_trips), live_server(url) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            client.headers.update(await live_admin_headers(client, url))
            # A user besides the admin (with an open API, the first), and the first item.
{%- if cookiecutter.auth == "oidc" %}
            reader = await client.get(
                "/users/me", headers=await live_owner_headers(client, "reader")
            )
            assert reader.status_code == 200, reader.text
            created = await client.post("/items/", json={"name": "Lamp", "price": 1})
            assert created.status_code == 201, created.text
{%- else %}
            for path, body in [
                ("/users/", sign_up("reader")),
                ("/items/", {"name": "Lamp", "price": 1}),
            ]:
                created = await client.post(path, json=body)
                assert created.status_code == 201, created.text
{%- endif %}
            await quiet(round_trips)
            for path in reads:
                for _ in range(WARM_UP):
                    await client.get(path)
                before = round_trips.count
                answers = {(await client.get(path)).status_code for _ in range(COUNTED)}
                assert answers == {200}, (path, answers)
                per_read[path] = (round_trips.count - before) / COUNTED

    assert per_read["/health"] == 0, per_read  # liveness asks the database nothing
    assert per_read["/items/1"] == 1, per_read  # one statement, nothing around it
    assert max(per_read.values()) <= 2, per_read


async def quiet(round_trips: RoundTrips, seconds: float = 0.5) -> None:
    """Wait until no round trip has been made for `seconds`: what the server does after its
    answers (with jobs, the sending of a job, and the marking of one it could not send) is over,
    and counts for no request measured after it."""
    while True:
        before = round_trips.count
        await asyncio.sleep(seconds)
        if round_trips.count == before:
            return


async def test_connections_the_server_closed_are_replaced_before_use(live_database: str) -> None:
    with live_server(live_database) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            opened = await asyncio.gather(*(client.get("/items/") for _ in range(4)))
            assert {response.status_code for response in opened} == {200}
            ended = await terminate_connections(live_database)
            reads = await asyncio.gather(*(client.get("/items/") for _ in range(4)))

    assert ended >= 1  # the pool held connections, and the server closed them
    assert [response.status_code for response in reads] == [200] * 4


async def terminate_connections(url: str) -> int:
    """Have the server end every connection to the database at url (a restart does the same);
    return how many it ended."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            ended = await connection.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
    finally:
        await engine.dispose()
    await asyncio.sleep(0.2)  # the server process notices the closed sockets
    return int(ended or 0)
