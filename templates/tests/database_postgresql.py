"""The test database: a PostgreSQL database of the run's own, one per xdist worker.

TEST_DATABASE_URL names the server and a database on it that the suite may connect to in order to
create and drop its own. By default: the `postgres` user on localhost, with the password that the
project's `.env` gives compose's server (`docker compose up -d db`), or else `postgres`.
"""

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from app.db.engine import create_engine
from app.db.session import reason
from tests.relay import Relay
from tests.schema import create_schema

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Only this is read from .env: the settings the tests run with come from tests/settings.py.
_PASSWORD = dotenv_values(PROJECT_ROOT / ".env").get("POSTGRES_PASSWORD") or "postgres"
SERVER_URL = make_url(
    os.environ.get("TEST_DATABASE_URL")
    or f"postgresql+asyncpg://postgres:{_PASSWORD}@localhost:5432/postgres"
)
# Where that URL came from, for the messages that say it did not work.
URL_SOURCE = (
    "TEST_DATABASE_URL"
    if os.environ.get("TEST_DATABASE_URL")
    else "the tests' default, without TEST_DATABASE_URL (the postgres user on localhost, with "
    "POSTGRES_PASSWORD from .env)"
)
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
DATABASE_NAME = "{{ cookiecutter.project_slug }}_test" + (f"_{_WORKER}" if _WORKER else "")
TEST_DATABASE_URL = SERVER_URL.set(database=DATABASE_NAME).render_as_string(hide_password=False)
# A database that the server does not have.
MISSING_DATABASE_URL = SERVER_URL.set(database=f"{DATABASE_NAME}_missing").render_as_string(
    hide_password=False
)
CONNECT_TIMEOUT_SECONDS = 5


def _on_server(*statements: str) -> None:
    """Run statements on the server, outside a transaction, on an event loop of their own.

    Being synchronous, the fixture that drops the database still runs after a Ctrl-C.
    """

    async def execute() -> None:
        engine = create_async_engine(
            SERVER_URL,
            isolation_level="AUTOCOMMIT",
            poolclass=NullPool,
            connect_args={"timeout": CONNECT_TIMEOUT_SECONDS},
        )
        try:
            async with engine.connect() as connection:
                for statement in statements:
                    await connection.exec_driver_sql(statement)
        finally:
            await engine.dispose()

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(execute())
    finally:
        loop.close()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop at once, with one message, when no server answers or it refuses the connection."""
    server = SERVER_URL.render_as_string()
    try:
        _on_server("SELECT 1")
    except (OSError, TimeoutError) as exc:
        raise pytest.UsageError(
            f"No PostgreSQL server answers at {server}, from {URL_SOURCE} ({exc}).\n"
            "Start one with `docker compose up -d db`, or point TEST_DATABASE_URL at a server the "
            "tests may create databases on, e.g.\n"
            "TEST_DATABASE_URL=postgresql+asyncpg://user:password@host:5432/postgres uv run pytest"
        ) from None
    except SQLAlchemyError as exc:
        # The server answered, and said no: a wrong password or user, or a missing database.
        raise pytest.UsageError(
            f"The PostgreSQL server at {server} refused the connection: {reason(exc)}.\n"
            f"The URL is {URL_SOURCE}: set TEST_DATABASE_URL to a user, password and database "
            "of that server, e.g.\n"
            "TEST_DATABASE_URL=postgresql+asyncpg://user:password@host:5432/postgres uv run pytest"
        ) from None


def engine_for(url: str) -> AsyncEngine:
    """The app's engine for the database at url."""
    return create_engine(url)


@contextmanager
def _own_database(name: str) -> Iterator[str]:
    """A new database of this name, dropped afterwards (after a failure or Ctrl-C too); yields
    its URL. One left by a run that was killed outright is replaced."""
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    _on_server(drop, f'CREATE DATABASE "{name}"')
    try:
        yield SERVER_URL.set(database=name).render_as_string(hide_password=False)
    finally:
        _on_server(drop)


def spare_database(purpose: str) -> AbstractContextManager[str]:
    """The URL of an empty database of its own, beside the run's test database."""
    return _own_database(f"{DATABASE_NAME}_{purpose}")


@contextmanager
def freezable(url: str) -> Iterator[tuple[str, Callable[[bool], None]]]:
    """The URL of the database through a relay on loopback, and the switch that freezes the
    relay: the server then seems stopped with SIGSTOP to whoever connects through it."""
    server = make_url(url)
    with Relay(server.host or "localhost", server.port or 5432) as relay:
        relayed = server.set(host="127.0.0.1", port=relay.port)
        yield relayed.render_as_string(hide_password=False), relay.freeze


class RoundTrips:
    """Counts round trips to PostgreSQL in what the server sends: it ends each answer with one
    ReadyForQuery message. A message is a type byte, then its length (4 bytes, big-endian,
    itself included), then the rest."""

    def __init__(self) -> None:
        self.count = 0

    def watcher(self) -> Callable[[bytes], None]:
        """What reads one connection's bytes, split into messages however they arrive."""
        unread = bytearray()

        def read(data: bytes) -> None:
            unread.extend(data)
            while len(unread) >= 5:
                length = 1 + int.from_bytes(unread[1:5])
                if len(unread) < length:
                    return
                self.count += unread[0] == ord("Z")
                del unread[:length]

        return read


@contextmanager
def counted(url: str) -> Iterator[tuple[str, RoundTrips]]:
    """The URL of the database through a relay on loopback that counts its round trips, without
    TLS (which would hide them)."""
    server = make_url(url)
    round_trips = RoundTrips()
    with Relay(server.host or "localhost", server.port or 5432, round_trips.watcher) as relay:
        relayed = server.set(host="127.0.0.1", port=relay.port, query={"ssl": "disable"})
        yield relayed.render_as_string(hide_password=False), round_trips


@pytest.fixture(scope="session")
def test_database() -> Iterator[str]:
    with _own_database(DATABASE_NAME) as url:
        yield url


@pytest.fixture(scope="session")
async def engine(test_database: str) -> AsyncIterator[AsyncEngine]:
    engine = engine_for(test_database)
    async with engine.begin() as connection:
        await create_schema(connection)
    yield engine
    await engine.dispose()


@pytest.fixture
def live_database_url(test_database: str) -> Iterator[str]:
    """A database of its own for a server process."""
    with spare_database("live") as url:
        yield url
