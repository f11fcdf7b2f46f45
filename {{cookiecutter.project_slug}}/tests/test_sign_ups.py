"""Sign-ups against a real server process, on a database of its own: a flood at production's
password cost and rate limits, and races for one name.

Marked `live`: the quick run leaves them out, `CI=true uv run pytest` runs them (tests/profile.py).
"""

import asyncio
from collections import Counter

import httpx
import pytest
from limits import parse

from app.users.models import User
from tests.live_server import flood, stored
from tests.passwords import RATE_LIMITS, sign_up

pytestmark = pytest.mark.live

SIGN_UPS = 200


async def test_a_sign_up_flood_is_limited_and_other_requests_are_answered(
    production_server: str,
) -> None:
    sign_ups = await flood(
        production_server,
        lambda client, n: client.post("/users/", json=sign_up(f"flood{n}")),
    )

    assert set(sign_ups.statuses) == {201, 429}, sign_ups
    assert sign_ups.statuses[201] <= parse(RATE_LIMITS["SIGN_UP_RATE_LIMIT"]).amount
    assert sign_ups.kept_answering(), sign_ups


async def test_racing_sign_ups_end_in_one_user_per_name_and_conflicts(
    server: str, live_database: str
) -> None:
    names = [f"racer{n}" for n in range(SIGN_UPS // 2)] * 2
    limits = httpx.Limits(max_connections=SIGN_UPS)
    async with httpx.AsyncClient(base_url=server, timeout=60, limits=limits) as client:
        responses = await asyncio.gather(
            *(client.post("/users/", json=sign_up(name)) for name in names)
        )

    statuses = Counter(response.status_code for response in responses)
    created = Counter(
        response.json()["username"] for response in responses if response.status_code == 201
    )
    assert statuses == {201: SIGN_UPS // 2, 409: SIGN_UPS // 2}
    assert created == Counter(set(names))
    assert await stored(live_database, User.username) == Counter(set(names))
