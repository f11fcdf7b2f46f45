"""The test database: SQLite in memory, one per test process; spare databases in files."""

import sqlite3
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.engine import create_engine
from tests.schema import create_schema

TEST_DATABASE_URL = "sqlite+aiosqlite:///:memory:"
# A database that cannot be opened: its folder does not exist.
MISSING_DATABASE_URL = "sqlite+aiosqlite:///no-such-folder/nothing.db"


def engine_for(url: str) -> AsyncEngine:
    """The app's engine for the database at url, able to nest transactions as the tests do.

    The sqlite3 driver begins and ends transactions on its own, which lets rows that the app
    commits escape the test's transaction: switch that off and emit BEGIN ourselves. Test engines
    only: in production the driver's own handling serves concurrent writers best.
    """
    engine = create_engine(url)

    @event.listens_for(engine.sync_engine, "connect")
    def _no_driver_transactions(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.isolation_level = None  # type: ignore[attr-defined]

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


@pytest.fixture(scope="session")
async def engine() -> AsyncIterator[AsyncEngine]:
    engine = engine_for(TEST_DATABASE_URL)
    async with engine.begin() as connection:
        await create_schema(connection)
    yield engine
    await engine.dispose()


@contextmanager
def spare_database(purpose: str) -> Iterator[str]:
    """The URL of an empty database of its own, in a file, as production runs SQLite."""
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite+aiosqlite:///{Path(folder) / purpose}.db"


@pytest.fixture
def live_database_url() -> Iterator[str]:
    """A database of its own for a server process."""
    with spare_database("live") as url:
        yield url


@contextmanager
def freezable(url: str) -> Iterator[tuple[str, Callable[[bool], None]]]:
    """The URL of the database, and the switch that freezes it: another connection then holds
    its write lock, as a stuck process would (writers wait; in WAL mode readers go on)."""
    holder: sqlite3.Connection | None = None

    def freeze(frozen: bool) -> None:
        nonlocal holder
        if frozen and holder is None:
            holder = sqlite3.connect(str(make_url(url).database), isolation_level=None)
            holder.execute("BEGIN EXCLUSIVE")
        elif not frozen and holder is not None:
            holder.execute("ROLLBACK")
            holder.close()
            holder = None

    try:
        yield url, freeze
    finally:
        freeze(False)
