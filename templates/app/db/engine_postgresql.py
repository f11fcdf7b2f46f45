"""Creating the engine: PostgreSQL through asyncpg, with a connection pool sized by the settings."""

import logging
from typing import Any

import sqlalchemy.ext.asyncio
from sqlalchemy import event, exc, func, select
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry

from app.core.config import get_settings
from app.db.pool import FairPool

logger = logging.getLogger(__name__)
# The key of the advisory lock that schema changes take (lock_the_schema): any number that nothing
# else on the server locks.
SCHEMA_LOCK = 0x5C4E3A


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
    """The engine as Alembic needs it: without the requests' limit on each statement's time, for a
    migration may rewrite a large table, or wait for another process's (lock_the_schema)."""
    event.listen(engine.sync_engine, "do_connect", _no_statement_timeout)
    return engine


def _no_statement_timeout(_dialect: Any, _record: Any, _args: Any, params: dict[str, Any]) -> None:
    params["command_timeout"] = None


def lock_the_schema(connection: Connection) -> None:
    """Wait until no other process changes the schema, then keep the others waiting until this
    transaction ends. Replicas that all run `alembic upgrade head` as they start apply each
    revision once: the first migrates, the others then find nothing to do."""
    if not connection.scalar(select(func.pg_try_advisory_xact_lock(SCHEMA_LOCK))):
        logger.warning("Another process is changing the schema: waiting for it to finish")
        connection.execute(select(func.pg_advisory_xact_lock(SCHEMA_LOCK)))


# What the server answers when it refuses the user or the password (SQLSTATE): no database to make.
REFUSED_LOGIN = frozenset({"28P01", "28000"})


def how_to_create(url: str) -> str:
    """How to make the database that url names, for a one-line error."""
    parts = make_url(url)
    return (
        f"Create it with `createdb -h {parts.host} -p {parts.port or 5432} -U {parts.username} "
        f"{parts.database}`, start its server, or point DATABASE_URL at another."
    )


def what_to_do(url: str, error: BaseException) -> str:
    """What to do about the error that reaching the database at url raised, for a one-line error:
    mend the user or the password the server refused, or else create the database."""
    if getattr(getattr(error, "orig", None), "sqlstate", None) in REFUSED_LOGIN:
        user = make_url(url).username
        return f"The server refused the user {user} or its password: mend them in DATABASE_URL."
    return how_to_create(url)
