"""Sessions served by two server processes on one database (marked `live`): racing refreshes of
one token, a logout on one process seen at once on the other, and two admins who demote each other
at once."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterator

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.db.engine import create_engine
from app.users.models import User
from tests.auth.steps import Session, log_in, refreshed, sign_up, works
from tests.clients import live_admin_headers
from tests.database import spare_database
from tests.live_server import live_server, with_schema

pytestmark = pytest.mark.live

RACERS = 8
ROUNDS = 5


@pytest.fixture(scope="module")
def servers_database(engine: AsyncEngine) -> Iterator[str]:
    """A database of the servers' own, made after the test database (whose fixture checks that
    the database server is there)."""
    with spare_database("sessions") as url:
        yield url


@pytest.fixture(scope="module")
async def servers(servers_database: str) -> AsyncIterator[tuple[str, str]]:
    """The base URLs of two server processes on one database."""
    await with_schema(servers_database)
    with live_server(servers_database) as first, live_server(servers_database) as second:
        yield first, second


@pytest.fixture
async def clients(servers: tuple[str, str]) -> AsyncIterator[tuple[AsyncClient, AsyncClient]]:
    """A client of each server."""
    async with (
        AsyncClient(base_url=servers[0], timeout=30) as first,
        AsyncClient(base_url=servers[1], timeout=30) as second,
    ):
        yield first, second


async def test_racing_refreshes_of_one_token_have_one_winner_and_end_the_session(
    clients: tuple[AsyncClient, AsyncClient],
) -> None:
    first, second = clients
    await sign_up(first, "ann")
    session = await log_in(first, "ann")

    answers = await asyncio.gather(
        *[
            client.post("/auth/refresh", json={"refresh_token": session.refresh_token})
            for client in [first, second] * (RACERS // 2)
        ]
    )

    statuses = Counter(answer.status_code for answer in answers)
    assert statuses == {200: 1, 401: RACERS - 1}, statuses
    (won,) = [answer.json() for answer in answers if answer.status_code == 200]
    winner = Session(won["access_token"], won["refresh_token"])
    # Each loser replayed a spent token: the session ended, the winner's new tokens with it.
    assert not await works(first, winner)
    assert not await works(second, session)
    assert await refreshed(first, winner) is None


async def test_a_logout_on_one_process_is_401_on_the_other_at_once(
    clients: tuple[AsyncClient, AsyncClient],
) -> None:
    first, second = clients
    await sign_up(first, "bob")
    session = await log_in(first, "bob")
    assert await works(second, session)

    logged_out = await first.post("/auth/logout", headers=session.headers)

    assert logged_out.status_code == 204
    assert not await works(second, session)
    assert await refreshed(second, session) is None


async def test_two_admins_who_demote_each_other_at_once_leave_one(
    clients: tuple[AsyncClient, AsyncClient], servers_database: str
) -> None:
    first, second = clients
    engine = create_engine(servers_database)
    outcomes = []
    try:
        for round_ in range(ROUNDS):
            bosses = [
                await live_admin_headers(first, servers_database, f"boss{round_}{side}")
                for side in "ab"
            ]
            ids = [(await first.get("/users/me", headers=boss)).json()["id"] for boss in bosses]
            answers = await asyncio.gather(
                first.patch(f"/admin/users/{ids[1]}", json={"role": "user"}, headers=bosses[0]),
                second.patch(f"/admin/users/{ids[0]}", json={"role": "user"}, headers=bosses[1]),
            )
            async with AsyncSession(engine) as session:
                admins = await session.scalar(
                    select(func.count()).where(User.role == "admin", User.is_active)
                )
                await session.execute(update(User).values(role="user"))  # none for the next round
                await session.commit()
            outcomes.append((sorted(answer.status_code for answer in answers), admins))
    finally:
        await engine.dispose()

    print(f"{ROUNDS} rounds of two admins demoting each other: {outcomes}")
    for statuses, admins in outcomes:
        # The second is refused: no longer an admin (403), or the last one (409).
        assert statuses in ([200, 403], [200, 409]), outcomes
        assert admins == 1, outcomes
