"""The test database: SQLite in memory, one per test process."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.engine import create_engine
from tests.schema import create_schema

TEST_DATABASE_URL = "sqlite+aiosqlite:///:memory:"


@pytest.fixture(scope="session")
async def engine() -> AsyncIterator[AsyncEngine]:
    engine = create_engine(TEST_DATABASE_URL)
    _let_sqlite_nest_transactions(engine)
    async with engine.begin() as connection:
        await create_schema(connection)
    yield engine
    await engine.dispose()


def _let_sqlite_nest_transactions(engine: AsyncEngine) -> None:
    # The sqlite3 driver begins and ends transactions on its own, which lets rows that the app
    # commits escape the test's transaction: switch that off and emit BEGIN ourselves. Test engine
    # only: in production the driver's own handling serves concurrent writers best.
    @event.listens_for(engine.sync_engine, "connect")
    def _no_driver_transactions(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.isolation_level = None  # type: ignore[attr-defined]

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


@pytest.fixture
def live_database_url(tmp_path: Path) -> str:
    """A database of its own for a server process, in a file, as production runs SQLite."""
    return f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"
