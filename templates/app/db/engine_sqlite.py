"""Creating the engine: SQLite, set up for concurrent requests."""

from typing import Any

import sqlalchemy.ext.asyncio
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import get_settings
from app.db.pool import FairPool


def create_engine(url: str) -> AsyncEngine:
    # SQLite lets one connection write at a time; others retry on a timer (busy_timeout) that
    # backs off to 100 ms a try. One connection per process queues requests in order instead.
    # Called through its module, so that instrumentation that wraps it sees every engine.
    engine = sqlalchemy.ext.asyncio.create_async_engine(
        url,
        poolclass=FairPool,
        pool_size=1,
        max_overflow=0,
        pool_timeout=get_settings().db_pool_timeout,
    )
    event.listen(engine.sync_engine, "connect", _configure_connection)
    return engine


def _configure_connection(dbapi_connection: Any, _connection_record: Any) -> None:
    # WAL lets readers work beside a writer, busy_timeout makes writers queue instead of failing
    # with "database is locked", and SQLite enforces foreign keys only when asked to.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={get_settings().sqlite_busy_timeout_ms:d}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def for_migrations(engine: AsyncEngine) -> AsyncEngine:
    """The engine with foreign keys off on each connection, as Alembic needs it: SQLite alters a
    table by copying it and dropping the old one, which with them on deletes the rows that refer
    to it (ON DELETE CASCADE). They switch only outside a transaction, so as a connection opens;
    migrations/env.py checks them after migrating."""
    event.listen(engine.sync_engine, "connect", _foreign_keys_off)  # after _configure_connection
    return engine


def _foreign_keys_off(dbapi_connection: Any, _connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.close()


def lock_the_schema(connection: Connection) -> None:
    """Nothing to take: a SQLite database is a file on one machine, whose schema one process
    changes (`alembic upgrade head`, or the app's start without migrations) before it serves."""


def for_reads(engine: AsyncEngine) -> AsyncEngine:
    """The engine for requests that only read: as it is (SQLite's driver begins a transaction
    only before a statement that writes)."""
    return engine


def how_to_create(url: str) -> str:
    """How to make the database that url names, for a one-line error."""
    return (
        f"SQLite creates {make_url(url).database} on first use if its folder exists and may be "
        "written: create the folder, or point DATABASE_URL elsewhere."
    )


def what_to_do(url: str, error: BaseException) -> str:
    """What to do about the error that reaching the database at url raised, for a one-line
    error: a file has no login to refuse, so make its folder."""
    return how_to_create(url)
