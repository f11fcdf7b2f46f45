"""Sessions under server processes of their own (marked `live`): racing refreshes of one token, and
a logout on one process seen at once on another."""

import asyncio
from collections import Counter

import httpx
import pytest

from tests.auth.accounts import Session, log_in, refreshed, sign_up, works
from tests.live_server import live_server

pytestmark = pytest.mark.live

RACERS = 8


async def test_racing_refreshes_of_one_token_have_one_winner_and_end_the_session(
    server: str,
) -> None:
    async with httpx.AsyncClient(base_url=server, timeout=30) as client:
        await sign_up(client, "ann")
        session = await log_in(client, "ann")

        answers = await asyncio.gather(
            *[
                client.post("/auth/refresh", json={"refresh_token": session.refresh_token})
                for _ in range(RACERS)
            ]
        )

        statuses = Counter(answer.status_code for answer in answers)
        assert statuses == {200: 1, 401: RACERS - 1}, statuses
        (won,) = [answer.json() for answer in answers if answer.status_code == 200]
        winner = Session(won["access_token"], won["refresh_token"])
        # Each loser replayed a spent token: the session ended, the winner's new tokens with it.
        assert not await works(client, winner)
        assert not await works(client, session)
        assert await refreshed(client, winner) is None


async def test_a_logout_on_one_process_is_401_on_another_at_once(live_database: str) -> None:
    with live_server(live_database) as first, live_server(live_database) as second:
        async with (
            httpx.AsyncClient(base_url=first, timeout=30) as one,
            httpx.AsyncClient(base_url=second, timeout=30) as other,
        ):
            await sign_up(one, "ann")
            session = await log_in(one, "ann")
            assert await works(other, session)

            logged_out = await one.post("/auth/logout", headers=session.headers)

            assert logged_out.status_code == 204
            assert not await works(other, session)
            assert await refreshed(other, session) is None
