"""The production server, `python -m app.server`, drains on SIGTERM: it stops taking connections,
lets the requests in flight finish, and exits.

Marked `live`: the quick run leaves it out, `CI=true uv run pytest` runs it (tests/profile.py).
"""

import asyncio
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Awaitable, Iterator

import httpx
import pytest

from tests.factories import DEFAULT_PASSWORD
from tests.live_server import server_process, usernames_stored

pytestmark = pytest.mark.live

IN_FLIGHT = 10


@pytest.fixture
def app_server(live_database: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """The production server process on its own database, and its base URL."""
    with server_process("app.server", live_database) as running:
        yield running


def sign_up(client: httpx.AsyncClient, name: str) -> Awaitable[httpx.Response]:
    body = {"username": name, "email": f"{name}@example.com", "password": DEFAULT_PASSWORD}
    return client.post("/users/", json=body)


async def test_sigterm_lets_requests_in_flight_finish_then_exits(
    app_server: tuple[subprocess.Popen[bytes], str], live_database: str
) -> None:
    server, base_url = app_server
    names = [f"draining{n}" for n in range(IN_FLIGHT)]
    limits = httpx.Limits(max_connections=IN_FLIGHT)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
        # A connection per sign-up, opened beforehand: each request goes out the moment it is made.
        await asyncio.gather(*(client.get("/health") for _ in range(IN_FLIGHT)))
        sign_ups = [asyncio.ensure_future(sign_up(client, name)) for name in names]
        await asyncio.sleep(0.1)  # sent, and hashing at production's cost
        server.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        responses = await asyncio.gather(*sign_ups)
        answered = time.monotonic()
    exit_status = await asyncio.to_thread(server.wait, 30)

    assert [response.status_code for response in responses] == [201] * IN_FLIGHT
    assert answered > signalled  # they were still in flight when the signal came
    assert exit_status in (0, -signal.SIGTERM)  # uvicorn re-raises SIGTERM once it has drained
    assert await usernames_stored(live_database) == Counter(names)
