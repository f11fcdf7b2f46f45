"""Creating the engine: PostgreSQL through asyncpg, with a connection pool sized by the settings."""

import sqlalchemy.ext.asyncio
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import get_settings
from app.db.pool import FairPool


def create_engine(url: str) -> AsyncEngine:
    settings = get_settings()
    # Called through its module, so that instrumentation that wraps it sees every engine.
    return sqlalchemy.ext.asyncio.create_async_engine(
        url,
        poolclass=FairPool,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        pool_recycle=settings.db_pool_recycle,
        # A connection that the server or the network dropped is replaced, not handed out.
        pool_pre_ping=True,
        connect_args={
            "timeout": settings.db_timeout_seconds,
            "command_timeout": settings.db_timeout_seconds,
        },
    )


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
