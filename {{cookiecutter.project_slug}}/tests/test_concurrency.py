"""Concurrent requests against a real server process, on a database of its own.

Marked `live`: the quick run leaves them out, `CI=true uv run pytest` runs them (tests/profile.py).
"""

import asyncio
from collections import Counter

import httpx
import pytest
{%- if cookiecutter.auth == "oidc" %}

from tests.clients import live_owner_headers
from tests.live_server import client, usernames_stored
from tests.identity_provider import ISSUER
{%- else %}
from limits import parse

from tests.clients import live_owner_headers
from tests.factories import sign_up
from tests.live_server import RATE_LIMITS, client, flood, usernames_stored
{%- endif %}

pytestmark = pytest.mark.live

SIGN_UPS = 200
ITEMS = 20


{% if cookiecutter.auth == "oidc" -%}
async def test_racing_first_requests_of_one_subject_make_one_user(
    server: str, live_database: str
) -> None:
    names = [f"racer{n}" for n in range(SIGN_UPS // 2)] * 2
    limits = httpx.Limits(max_connections=SIGN_UPS)
    async with httpx.AsyncClient(base_url=server, timeout=60, limits=limits) as client:
        responses = await asyncio.gather(
            *(
                client.get("/users/me", headers={"Authorization": f"Bearer {token}"})
                for token in [ISSUER.token(name, preferred_username=name) for name in names]
            )
        )

    assert Counter(response.status_code for response in responses) == {200: SIGN_UPS}
    ids = {(response.json()["username"], response.json()["id"]) for response in responses}
    assert len(ids) == SIGN_UPS // 2  # one user, one id, per subject
    assert await usernames_stored(live_database) == Counter(set(names))
{%- else -%}
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
    assert await usernames_stored(live_database) == Counter(set(names))
{%- endif %}


async def test_racing_changes_and_deletions_of_one_item_tell_the_truth(server: str) -> None:
    async with client(server) as racer:
        headers = await live_owner_headers(racer)
        made = [
            await racer.post("/items/", json={"name": f"item {n}", "price": 1}, headers=headers)
            for n in range(ITEMS)
        ]

        async def race(item_id: int) -> tuple[httpx.Response, ...]:
            url = f"/items/{item_id}"
            return await asyncio.gather(
                racer.patch(url, json={"name": "renamed"}, headers=headers),
                racer.delete(url, headers=headers),
                racer.delete(url, headers=headers),
            )

        results = await asyncio.gather(*(race(response.json()["id"]) for response in made))

    for patched, *deleted in results:
        assert patched.status_code in {200, 404}
        assert sorted(response.status_code for response in deleted) == [204, 404]
