"""Fixtures: a test database, a session per test that is always rolled back, a client."""

import os
from collections.abc import AsyncIterator, Iterator

import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.types import ASGIApp

TEST_DATABASE_URL = "sqlite+aiosqlite:///:memory:"

# The app reads its settings when first imported: point it at a throwaway database before that, so
# that no test can reach the database named in the environment or in `.env`.
os.environ["DATABASE_URL"] = TEST_DATABASE_URL
os.environ["ENVIRONMENT"] = "test"

from app.core import security
from app.db.models import Base
from app.db.session import create_engine, get_db
from app.main import app


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Hash with argon2id at its lowest cost: a test needs a valid hash, not a slow one."""
    with pytest.MonkeyPatch.context() as patch:
        cheap = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
        patch.setattr(security, "password_hash", cheap)
        yield


@pytest.fixture(scope="session")
async def engine() -> AsyncIterator[AsyncEngine]:
    engine = create_engine(TEST_DATABASE_URL)
    _let_sqlite_nest_transactions(engine)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
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
async def started_app() -> AsyncIterator[ASGIApp]:
    """The app with its lifespan run once for the whole test run, as a server would run it."""
    async with LifespanManager(app) as manager:
        yield manager.app


@pytest.fixture
async def async_client(
    started_app: ASGIApp, db_session: AsyncSession
) -> AsyncIterator[AsyncClient]:
    """A client for the app in which every request uses the test's session."""

    async def use_test_session() -> AsyncIterator[AsyncSession]:
        yield db_session

    app.dependency_overrides[get_db] = use_test_session
    try:
        transport = ASGITransport(app=started_app)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
    finally:
        del app.dependency_overrides[get_db]
