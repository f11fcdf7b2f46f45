"""Fixtures: a session per test that is always rolled back, and the app, started once.

The test database comes from tests/database.py, the clients from tests/clients.py, and the live
server from tests/live_server.py: plugins, whose fixtures and hooks serve every test.
"""

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager

import pytest
from asgi_lifespan import LifespanManager
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.types import ASGIApp

pytest_plugins = ["tests.database", "tests.clients", "tests.live_server"]
pytest.register_assert_rewrite("tests.database")
from app.core.config import Settings
from tests.database import TEST_DATABASE_URL
from tests.settings import pin

# The app reads its settings when first imported: pin every one of them before that, so that no
# test can reach the database named in the environment or in `.env`, and nothing there can change
# what the tests see. Rate limits are lifted: the tests that need one set their own.
NO_RATE_LIMITS = {
    name: "1000000/minute" for name in Settings.model_fields if name.endswith("_rate_limit")
}
pin(Settings, environment="test", database_url=TEST_DATABASE_URL, **NO_RATE_LIMITS)

from app.api.rate_limit import get_rate_limiter
from app.core import security
from app.main import app
from tests import factories
from tests.api_client import client_for


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Hash passwords the cheap way the factories describe, for the whole run."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(security, "password_hash", factories.CHEAP_PASSWORD_HASH)
        yield


@pytest.fixture
async def fresh_rate_limits() -> None:
    """Rate limits that count from zero in this test."""
    await get_rate_limiter().storage.reset()


@pytest.fixture
async def db_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session in a transaction that is rolled back after the test, whatever the code commits.

    Each commit in the code under test only releases a SAVEPOINT inside that transaction.
    """
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield session
        finally:
            # Outer transaction first: it takes every SAVEPOINT with it in one statement.
            await transaction.rollback()
            await session.close()


@pytest.fixture(scope="session")
async def started_app(engine: AsyncEngine) -> AsyncIterator[ASGIApp]:
    """The app with its lifespan run once for the whole test run, as a server would run it.

    It starts after `engine`, which makes the test database.
    """
    async with LifespanManager(app) as manager:
        yield manager.app


@pytest.fixture
def client_at(
    started_app: ASGIApp, db_session: AsyncSession
) -> Callable[[str], AbstractAsyncContextManager[AsyncClient]]:
    """Clients from other addresses, whose requests use the test's session."""
    return lambda address: client_for(started_app, db_session, address)
