"""A real server process: uvicorn serving the app on loopback, on a database of its own.

A plugin (see conftest.py): its fixtures serve the `live` tests (and `redis_url`, the tests that
share a Redis server). `PORT=8001 python -m tests.live_server` runs the server as the tests start
it: with every SQLAlchemy warning raised as an error, so that a warning shows as a 500 that the
tests see{{ ", and with the tests' cheap password hashing, unless LIVE_SERVER_HASHING=production" if cookiecutter.auth != "oidc" }}.
"""

import asyncio
import ipaddress
import os
import socket
import time
import uuid
import warnings
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from redis.asyncio import ConnectionPool, Redis
from redis.exceptions import RedisError
from sqlalchemy import func, select
from sqlalchemy.exc import SAWarning
from sqlalchemy.orm import InstrumentedAttribute

from app.db.engine import create_engine
from tests.processes import PythonProcess, running
from tests.profile import server_missing
from tests.schema import create_schema

STARTUP_SECONDS = 30
FLOOD = 250


@pytest.fixture
async def live_database(live_database_url: str) -> str:
    """The server's database, with the schema built as for the tests."""
    return await with_schema(live_database_url)


async def with_schema(database_url: str) -> str:
    """The database at the URL, given the schema as for the tests."""
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await create_schema(connection)
    await engine.dispose()
    return database_url


@pytest.fixture
async def redis_url() -> str:
    """TEST_REDIS_URL (default redis://localhost:6379); skipped when no server answers there,
    failed under CI."""
    url = os.environ.get("TEST_REDIS_URL", "redis://localhost:6379")
    pool = ConnectionPool.from_url(url)
    try:
        await Redis(connection_pool=pool).ping()
    except RedisError:
        server_missing(
            f"no Redis server answers at {url}: start one (`redis-server`, or "
            "`docker run -p 6379:6379 redis`) or set TEST_REDIS_URL"
        )
    finally:
        await pool.disconnect()
    return url


class OwnNames:
    """Names of the test's own for what it writes to the shared Redis server (TEST_REDIS_URL,
    which other runs may use at once): the keys that hold them go at the test's end."""

    def __init__(self) -> None:
        self.given: list[str] = []

    def address(self) -> str:
        """A client address no one else counts under."""
        return self._keep(str(ipaddress.IPv6Address(uuid.uuid4().int)))

    def name(self, prefix: str) -> str:
        """A username, queue name or key part no one else uses."""
        return self._keep(f"{prefix}{uuid.uuid4().hex[:12]}")

    def _keep(self, name: str) -> str:
        self.given.append(name)
        return name


@pytest.fixture
async def own_names(redis_url: str) -> AsyncIterator[OwnNames]:
    """Names of the test's own; afterwards, every key in the Redis server at redis_url that holds
    one is deleted."""
    names = OwnNames()
    yield names
    redis = Redis.from_url(redis_url)
    try:
        for name in names.given:
            async for key in redis.scan_iter(match=f"*{name}*"):
                await redis.delete(key)
    finally:
        await redis.aclose()


@pytest.fixture
def server(live_database: str) -> Iterator[str]:
    """The server's base URL, with the tests' settings."""
    with live_server(live_database) as base_url:
        yield base_url


def client(base_url: str) -> httpx.AsyncClient:
    """A client that may keep a whole flood of requests open at once."""
    limits = httpx.Limits(max_connections=FLOOD + 1)
    return httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits)


def timed_get(url: str) -> tuple[httpx.Response, float]:
    """A response to GET url, and the seconds it took."""
    started = time.monotonic()
    response = httpx.get(url, timeout=60)
    return response, time.monotonic() - started


@dataclass(frozen=True, repr=False)
class Flood:
    """What a flood got, and how another request sent meanwhile fared."""

    statuses: Counter[int]
    seconds: float  # from the first request sent to the last one answered
    other: httpx.Response
    other_seconds: float

    def kept_answering(self) -> bool:
        """Whether the other request was answered well within the flood's time: the server kept
        serving others while it worked through the flood. Measured on this machine in this run,
        so that a slow or busy machine slows both alike."""
        return self.other.status_code == 200 and self.other_seconds < self.seconds / 2

    def __repr__(self) -> str:
        return (
            f"flood of {FLOOD} answered in {self.seconds:.2f} s with {dict(self.statuses)}; "
            f"the other request: {self.other.status_code} in {self.other_seconds:.2f} s"
        )


async def flood(
    base_url: str,
    send: Callable[[httpx.AsyncClient, int], Coroutine[Any, Any, httpx.Response]],
) -> Flood:
    """FLOOD concurrent requests, and one `GET /items/` sent while they are served.

    That request goes from a thread of its own, so that its time is the server's, not the time
    this event loop takes to send the flood.
    """
    async with client(base_url) as flooding:
        started = time.monotonic()
        requests = [asyncio.create_task(send(flooding, n)) for n in range(FLOOD)]
        await asyncio.sleep(0.2)  # the flood is under way
        other, other_seconds = await asyncio.to_thread(timed_get, f"{base_url}/items/")
        statuses = Counter(response.status_code for response in await asyncio.gather(*requests))
    return Flood(statuses, time.monotonic() - started, other, other_seconds)


async def stored(database_url: str, column: InstrumentedAttribute[str]) -> Counter[str]:
    """How many rows hold each value of the column in the database (`User.username`)."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(select(column, func.count()).group_by(column))
            return Counter(dict(rows.all()))
    finally:
        await engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def server_process(
    module: str, database_url: str, settings: Mapping[str, str] | None = None
) -> Iterator[tuple[PythonProcess, str]]:
    """Run `python -m module` as a server on a free port (PORT) and the given database until the
    block ends (tests/processes.py's `running`: from an empty folder, with the tests' settings and
    `settings` over them); yield the process and its base URL."""
    port = free_port()
    with running(
        module, {"DATABASE_URL": database_url, "PORT": str(port), **(settings or {})}
    ) as server:
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_up(server, base_url)
        yield server, base_url


@contextmanager
def replicas(
    database_url: str, settings: Mapping[str, str]
) -> Iterator[list[tuple[PythonProcess, str]]]:
    """Two `python -m app.server` on the database, with these settings, as production runs them
    behind a load balancer; each process and its base URL."""
    with ExitStack() as stack:
        yield [
            stack.enter_context(server_process("app.server", database_url, settings))
            for _ in range(2)
        ]


@contextmanager
def live_server(database_url: str, settings: Mapping[str, str] | None = None) -> Iterator[str]:
    """This module's server on the given database until the block ends; yield its base URL."""
    with server_process("tests.live_server", database_url, settings) as (_, base_url):
        yield base_url


def _wait_until_up(server: PythonProcess, base_url: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"the server did not answer within {STARTUP_SECONDS} s")


def main() -> None:
    import uvicorn  # here, not above: every test run loads this plugin, few start a server

    warnings.simplefilter("error", SAWarning)
{%- if cookiecutter.auth != "oidc" %}
    if os.environ.get("LIVE_SERVER_HASHING") != "production":
        from tests import passwords  # here: the plugin imports this module

        passwords.hash_cheaply()
{%- endif %}
    uvicorn.run("app.main:app", host="127.0.0.1", port=int(os.environ["PORT"]), log_level="warning")


if __name__ == "__main__":
    main()
