"""Fixtures: a test database, a session per test that is always rolled back, a client."""

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.types import ASGIApp

# tests/database.py makes the test database; it is a plugin (its fixtures and hooks serve every
# test) that is also read here, before the app is imported.
pytest_plugins = ["tests.database", "tests.live_server"]
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
{% if cookiecutter.auth == "jwt" -%}
from app.auth.tokens import create_access_token
{% endif -%}
from app.core import security
from app.db.session import get_db
from app.main import app
{%- if cookiecutter.auth == "jwt" %}
from app.users.models import User
{%- endif %}
from tests import factories


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


@asynccontextmanager
async def client_for(
    started_app: ASGIApp, db_session: AsyncSession, address: str = "127.0.0.1"
) -> AsyncIterator[AsyncClient]:
    """A client at this address for the app, in which every request uses the test's session."""

    async def use_test_session() -> AsyncIterator[AsyncSession]:
        yield db_session

    app.dependency_overrides[get_db] = use_test_session
    try:
        transport = ASGITransport(app=started_app, client=(address, 50000))
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
    finally:
        app.dependency_overrides.pop(get_db, None)


@pytest.fixture
def client_at(
    started_app: ASGIApp, db_session: AsyncSession
) -> Callable[[str], AbstractAsyncContextManager[AsyncClient]]:
    """Clients from other addresses, whose requests use the test's session."""
    return lambda address: client_for(started_app, db_session, address)
{%- if cookiecutter.auth == "jwt" %}


@pytest.fixture
async def current_user(db_session: AsyncSession) -> User:
    return await factories.create_user(db_session)


@pytest.fixture
async def async_client(
    started_app: ASGIApp, db_session: AsyncSession, current_user: User
) -> AsyncIterator[AsyncClient]:
    """A client signed in as `current_user`, whose requests use the test's session."""
    async with client_for(started_app, db_session) as client:
        client.headers["Authorization"] = f"Bearer {create_access_token(current_user.id)}"
        yield client


@pytest.fixture
async def anonymous_client(
    started_app: ASGIApp, db_session: AsyncSession
) -> AsyncIterator[AsyncClient]:
    """A client without a token, whose requests use the test's session."""
    async with client_for(started_app, db_session) as client:
        yield client
{%- else %}


@pytest.fixture
async def async_client(
    started_app: ASGIApp, db_session: AsyncSession
) -> AsyncIterator[AsyncClient]:
    """A client whose requests use the test's session."""
    async with client_for(started_app, db_session) as client:
        yield client
{%- endif %}
