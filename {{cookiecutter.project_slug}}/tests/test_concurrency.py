"""Concurrent requests against a real server process, on a database of its own.

Marked `live`: the quick run leaves them out, `CI=true uv run pytest` runs them (tests/profile.py).
"""

import asyncio

import httpx
import pytest

from tests.clients import live_owner_headers
from tests.live_server import client

pytestmark = pytest.mark.live

ITEMS = 20


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
