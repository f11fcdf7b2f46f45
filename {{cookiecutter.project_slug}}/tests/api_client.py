"""The app, started once, and clients for it whose requests use the test's session.

A plugin (see conftest.py): it imports the app, so it loads after the settings are pinned.
"""

import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.types import ASGIApp

from app.core.config import get_settings
from app.db.session import get_db, get_sessions
from app.main import app, create_app


@asynccontextmanager
async def client_for(
    started_app: ASGIApp, db_session: AsyncSession, address: str = "127.0.0.1"
) -> AsyncIterator[AsyncClient]:
    """A client at this address for the app, in which every request uses the test's session."""

    async def use_test_session() -> AsyncIterator[AsyncSession]:
        yield db_session

    def use_test_sessions() -> async_sessionmaker[AsyncSession]:
        # Work after the response opens sessions on the test's connection, inside its transaction.
        return async_sessionmaker(
            db_session.bind, join_transaction_mode="create_savepoint", expire_on_commit=False
        )

    app.dependency_overrides[get_db] = use_test_session
    app.dependency_overrides[get_sessions] = use_test_sessions
    try:
        transport = ASGITransport(app=started_app, client=(address, 50000))
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
    finally:
        app.dependency_overrides.pop(get_db, None)
        app.dependency_overrides.pop(get_sessions, None)


@pytest.fixture(scope="session")
async def started_app(engine: AsyncEngine) -> AsyncIterator[ASGIApp]:
    """The app with its lifespan run once for the whole test run, as a server would run it.

    It starts after `engine`, which makes the test database.
    """
    async with LifespanManager(app) as manager:
        yield manager.app


# What `client_at` gives: a client of the app at a given address.
ClientAt = Callable[[str], AbstractAsyncContextManager[AsyncClient]]


@pytest.fixture
def client_at(started_app: ASGIApp, db_session: AsyncSession) -> ClientAt:
    """Clients from other addresses, whose requests use the test's session."""
    return lambda address: client_for(started_app, db_session, address)


def app_with_a_failing_route() -> FastAPI:
    """A new app with `/fails`, which raises an unhandled RuntimeError to a GET, or to a POST with
    a JSON body."""
    served = create_app(get_settings())

    @served.api_route("/fails", methods=["GET", "POST"])
    async def fails(body: dict[str, Any] | None = None) -> None:
        raise RuntimeError("a bug")

    return served


def operations() -> list[tuple[str, str]]:
    """Every operation in the app's OpenAPI schema, as (method, path template)."""
    return [
        (method.upper(), template)
        for template, methods in app.openapi()["paths"].items()
        for method in methods
    ]


def filled(template: str, **ids: int) -> str:
    """The path template with each parameter that ids names given its id, and any other 1."""
    return re.sub(r"\{(\w+)\}", lambda found: str(ids.get(found[1], 1)), template)


async def request_every_operation(client: AsyncClient) -> list[tuple[str, str]]:
    """Send one request to every operation in the app's OpenAPI schema, each path parameter 1;
    return the operations, as (method, path template)."""
    sent = operations()
    for method, template in sent:
        await client.request(method, filled(template))
    return sent
