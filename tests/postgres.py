"""The PostgreSQL server that the postgresql renders' test suites run against.

TEST_DATABASE_URL names it, as for a rendered project; .ci/run starts one and sets it. Without one,
the tests that need it skip locally and fail under CI.
"""

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests.rendering import server_unavailable


def server_url() -> str:
    """TEST_DATABASE_URL, once a server answers there; otherwise skip, or fail under CI."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        server_unavailable("TEST_DATABASE_URL is not set", "the postgresql renders' tests")
    try:
        databases_named_like(url, "postgres")
    except Exception as exc:  # any failure to reach the server means the same here
        server_unavailable(
            f"no PostgreSQL server answers at TEST_DATABASE_URL ({exc})",
            "the postgresql renders' tests",
        )
    return url


def _on_server(url: str, statement: str, parameters: dict[str, str] | None = None) -> list[str]:
    """Run a statement on the server outside a transaction; return its rows' first column."""

    async def execute() -> list[str]:
        engine = create_async_engine(
            url, poolclass=NullPool, isolation_level="AUTOCOMMIT", connect_args={"timeout": 5}
        )
        try:
            async with engine.connect() as connection:
                result = await connection.execute(text(statement), parameters or {})
                return list(result.scalars()) if result.returns_rows else []
        finally:
            await engine.dispose()

    return asyncio.run(execute())


@contextmanager
def new_database(url: str, name: str) -> Iterator[str]:
    """A new, empty database on the server, dropped afterwards; yields its URL."""
    _on_server(url, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        _on_server(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def databases_named_like(url: str, prefix: str) -> list[str]:
    """The databases on the server whose names start with prefix."""
    return _on_server(
        url,
        "SELECT datname FROM pg_database WHERE starts_with(datname, :prefix)",
        {"prefix": prefix},
    )
