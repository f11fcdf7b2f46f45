"""What the benchmark compares with the rendered project's own test fixtures.

LESSON_CONFTEST replaces the rendered tests/conftest.py in a copy of the project; DROP_CREATE is
written into a conftest.py below tests/, where it overrides the project's db_session.
"""

LESSON_CONFTEST = '''
"""The conftest that FastAPI testing lessons write: the tables made once, one session per test,
rolled back at the end (what the code commits stays), get_db overridden for the client."""

import os

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import StaticPool

from app.db.session import get_db
from app.main import app
from app.models import Base

URL = os.environ.get("BENCH_DATABASE_URL", "sqlite+aiosqlite://")
engine = create_async_engine(URL, poolclass=StaticPool) if URL.startswith("sqlite") else (
    create_async_engine(URL)
)


@pytest.fixture(scope="session", autouse=True)
async def tables():
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
    await engine.dispose()


@pytest.fixture
async def db_session():
    async with AsyncSession(engine, expire_on_commit=False) as session:
        yield session
        await session.rollback()


@pytest.fixture
async def async_client(db_session):
    app.dependency_overrides[get_db] = lambda: db_session
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client
    app.dependency_overrides.clear()
'''

DROP_CREATE = '''
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.models import Base


@pytest.fixture
async def db_session(engine: AsyncEngine):
    """Fresh tables for every test: created before it, dropped after it."""
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        yield session
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
'''

TIMING_PLUGIN = '''
"""Writes each test's setup + call + teardown seconds to the file named by BENCH_TIMES."""

import json
import os
from collections import defaultdict

_times = defaultdict(float)


def pytest_runtest_logreport(report):
    _times[report.nodeid] += report.duration


def pytest_sessionfinish(session):
    with open(os.environ["BENCH_TIMES"], "w") as out:
        json.dump(_times, out)
'''

CRUD_TEST = """

async def test_create_then_read_item_{n}(async_client):
    created = await async_client.post("/items/", json={{"name": "Widget {n}", "price": {n}}})
    read = await async_client.get(f"/items/{{created.json()['id']}}")
    assert read.json()["name"] == "Widget {n}"
"""
