"""Creating the engine: PostgreSQL through asyncpg, with a connection pool sized by the settings."""

from typing import Any

import sqlalchemy.ext.asyncio
from sqlalchemy import event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry

from app.core.config import get_settings
from app.db.pool import FairPool


def create_engine(url: str) -> AsyncEngine:
    settings = get_settings()
    # Called through its module, so that instrumentation that wraps it sees every engine.
    engine = sqlalchemy.ext.asyncio.create_async_engine(
        url,
        poolclass=FairPool,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        pool_recycle=settings.db_pool_recycle,
        connect_args={
            "timeout": settings.db_timeout_seconds,
            "command_timeout": settings.db_timeout_seconds,
        },
    )
    event.listen(engine.sync_engine.pool, "checkout", _replace_if_closed)
    return engine


def _replace_if_closed(_dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
    """A connection that the server closed (a restart, an idle timeout, a terminated backend) is
    replaced before it is handed out. Its socket has said so, so this asks the server nothing:
    SQLAlchemy's pre-ping would cost three round trips per request (BEGIN, a query, ROLLBACK).
    A connection lost without a word (a network that drops packets) fails its request once, a 503,
    and the pool then replaces every connection it holds."""
    connection = record.driver_connection
    if connection is None or connection.is_closed():
        raise exc.DisconnectionError("the server closed the connection")


def for_reads(engine: AsyncEngine) -> AsyncEngine:
    """The engine for requests that only read: each statement on its own, without BEGIN and
    ROLLBACK around it, so a read is one round trip. A transaction would add nothing to a read:
    at READ COMMITTED, PostgreSQL's default, each statement sees its own snapshot anyway."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def for_migrations(engine: AsyncEngine) -> AsyncEngine:
    """The engine as Alembic needs it: as it is (PostgreSQL alters a table in place)."""
    return engine


def how_to_create(url: str) -> str:
    """How to make the database that url names, for a one-line error."""
    parts = make_url(url)
    return (
        f"Create it with `createdb -h {parts.host} -p {parts.port or 5432} -U {parts.username} "
        f"{parts.database}`, start its server, or point DATABASE_URL at another."
    )
