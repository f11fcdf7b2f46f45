"""The db_session fixtures the benchmark compares with the rendered project's own.

Each is written into a conftest.py of its own below the rendered tests/ folder, where it overrides
the project's db_session for the benchmark tests beside it.
"""

LESSON_STYLE = '''
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession


@pytest.fixture
async def db_session(engine: AsyncEngine):
    """One session per test, rolled back at the end: what commits stays in the database."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        yield session
        await session.rollback()
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
