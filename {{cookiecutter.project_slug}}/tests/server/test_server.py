"""The production server, `python -m app.server`: what it starts with and says first, and its drain
on SIGTERM (it stops taking connections, lets the requests in flight finish, and exits).

The drain is marked `live`: the quick run leaves it out, `CI=true uv run pytest` runs it
(tests/profile.py).
"""

import asyncio
import logging
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from app import server
from app.core.config import Settings, get_settings
from app.items.models import Item
from tests.clients import live_owner_headers
from tests.live_server import server_process, stored
from tests.processes import PythonProcess

IN_FLIGHT = 10
ALL_INTERFACES = "0.0.0.0"  # noqa: S104  (what a container listens on)


@pytest.fixture
def app_server(live_database: str) -> Iterator[tuple[PythonProcess, str]]:
    """The production server process on its own database, and its base URL."""
    with server_process("app.server", live_database) as running:
        yield running


def make_item(
    client: httpx.AsyncClient, name: str, sent: asyncio.Semaphore
) -> Awaitable[httpx.Response]:
    """A new item whose body arrives over half a second, as from a slow client: it releases `sent`
    once its head is on the wire (httpcore's trace extension)."""

    async def trace(event: str, _info: dict[str, Any]) -> None:
        if event == "http11.send_request_headers.complete":
            sent.release()

    async def trickled(body: bytes) -> AsyncIterator[bytes]:
        yield body[:1]
        await asyncio.sleep(0.5)
        yield body[1:]

    body = httpx.Request("POST", "/", json={"name": name, "price": 1}).read()
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    return client.post(
        "/items/", content=trickled(body), headers=headers, extensions={"trace": trace}
    )


@pytest.mark.live
async def test_sigterm_lets_requests_in_flight_finish_then_exits(
    app_server: tuple[PythonProcess, str], live_database: str
) -> None:
    process, base_url = app_server
    names = [f"draining{n}" for n in range(IN_FLIGHT)]
    limits = httpx.Limits(max_connections=IN_FLIGHT)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
        client.headers.update(await live_owner_headers(client))
        # A connection per item, opened beforehand: each request goes out the moment it is made.
        await asyncio.gather(*(client.get("/health") for _ in range(IN_FLIGHT)))
        sent = asyncio.Semaphore(0)
        items = [asyncio.ensure_future(make_item(client, name, sent)) for name in names]
        for _ in names:  # every request on the wire, however loaded the machine
            await sent.acquire()
        await asyncio.sleep(0.1)  # their heads read by the server, their bodies still coming
        process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        responses = await asyncio.gather(*items)
        answered = time.monotonic()
    exit_status = await asyncio.to_thread(process.wait, 30)

    assert [response.status_code for response in responses] == [201] * IN_FLIGHT
    assert answered > signalled  # they were still in flight when the signal came
    assert exit_status in (0, -signal.SIGTERM)  # uvicorn re-raises SIGTERM once it has drained
    assert await stored(live_database, Item.name) == Counter(names)


def settings(**values: object) -> Settings:
    """The tests' settings with these values (not validated: each test names what it needs)."""
    return get_settings().model_copy(update=values)


def test_the_first_line_says_how_it_serves_and_shows_no_secret() -> None:
    password = "a-password-not-to-be-shown"
    level, line = server.start_line(
        settings(
            environment="production",
            host=ALL_INTERFACES,
            web_concurrency=2,
            api_docs=False,
            database_url=f"postgresql+asyncpg://app:{password}@db.internal/app",
            rate_limit_storage_uri=f"redis://:{password}@cache.internal:6379/0",
        )
    )

    assert level == logging.INFO
{%- if cookiecutter.auth == "oidc" %}
    assert line.endswith(": environment production, 2 worker(s), docs off, database db.internal")
{%- else %}
    assert line.endswith(
        ": environment production, 2 worker(s), docs off, "
        "rate limits in redis://cache.internal:6379, database db.internal"
    )
{%- endif %}
    assert password not in line


@pytest.mark.parametrize(
    ("values", "warning"),
    [
        pytest.param(
            {"host": ALL_INTERFACES},
            f"listening beyond this machine ({ALL_INTERFACES}) in local",
            id="beyond-loopback",
        ),
{%- if cookiecutter.auth != "oidc" %}
        pytest.param(
            {"web_concurrency": 3},
            "each of the 3 workers counts the rate limits on its own",
            id="memory-limits",
        ),
{%- endif %}
    ],
)
def test_a_developers_setting_that_reaches_beyond_is_a_warning(
    values: dict[str, object], warning: str
) -> None:
    level, line = server.start_line(settings(environment="local", **values))

    assert level == logging.WARNING
    assert warning in line


def test_local_development_on_loopback_is_no_warning() -> None:
    level, _ = server.start_line(settings(environment="local", host="127.0.0.1"))

    assert level == logging.INFO


def test_the_server_gets_its_workers_their_time_and_the_trusted_proxies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: ran.update(options))
    configured = settings(
        web_concurrency=3, worker_timeout_seconds=90, forwarded_allow_ips="10.0.0.0/8"
    )
    monkeypatch.setattr(server, "get_settings", lambda: configured)

    server.main()

    assert ran["workers"] == 3
    assert ran["timeout_worker_healthcheck"] == 90
    assert (ran["proxy_headers"], ran["forwarded_allow_ips"]) == (True, "10.0.0.0/8")


def test_no_proxy_is_trusted_unless_named(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: ran.update(options))

    server.main()

    assert ran["proxy_headers"] is False
