"""The app's engine and sessions, made on first use, the `get_db` dependency, the check that the
database answers, and one line that says why it does not."""

import asyncio
from collections.abc import AsyncIterator
from functools import cache

from fastapi import Request
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.core.config import get_settings
from app.db.engine import create_engine, for_reads, what_to_do

# What connecting can raise: the driver's OSError (no server), or its refusal, wrapped.
CONNECTION_ERRORS = (OSError, SQLAlchemyError)


@cache
def get_engine() -> AsyncEngine:
    return create_engine(get_settings().database_url)


# RFC 9110's safe methods: a request of one of these changes nothing.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@cache
def get_sessionmaker() -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(get_engine(), expire_on_commit=False)


@cache
def get_read_sessionmaker() -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(for_reads(get_engine()), expire_on_commit=False)


async def get_db(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's session. A request that changes something (POST, PUT, PATCH, DELETE) writes
    in a transaction that the code commits. A safe one only reads, each statement on its own: no
    BEGIN and ROLLBACK around it (app/db/engine.py), so a route that answers a GET must not write.
    """
    sessions = get_read_sessionmaker() if request.method in SAFE_METHODS else get_sessionmaker()
    async with sessions() as session:
        yield session


def get_sessions() -> async_sessionmaker[AsyncSession]:
    """Sessions for work that runs after the response (a background task), as a dependency: the
    request's own session has closed by then, so such work opens one of its own."""
    return get_sessionmaker()


def reason(error: BaseException) -> str:
    """The first line of what the driver said (SQLAlchemy wraps it), or of the error itself, or
    the error's kind when it says nothing (a TimeoutError)."""
    said = str(getattr(error, "orig", None) or error).strip()
    return said.splitlines()[0] if said else type(error).__name__


def unreachable(url: str, error: BaseException) -> str:
    """One line: which database, why it cannot be reached, and what to do about it."""
    shown = make_url(url).render_as_string(hide_password=True)
    return f"Cannot reach the database at {shown}: {reason(error)}. {what_to_do(url, error)}"


async def database_check(session: AsyncSession, seconds: float) -> Exception | None:
    """None when the database answers SELECT 1 within that many seconds; otherwise what went
    wrong: a TimeoutError that says so, or the error that connecting raised."""
    try:
        async with asyncio.timeout(seconds):
            await session.execute(text("SELECT 1"))
    except TimeoutError:
        return TimeoutError(f"no answer within {seconds:g} s")
    except CONNECTION_ERRORS as error:
        return error
    return None
