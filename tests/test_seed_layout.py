"""The seed layout that users' own tests rely on still works: `app.main.app`, `app.db.base.Base`
and `app.db.session.get_db`, used by a conftest of the common shape, with an engine of its own."""

import shutil
from pathlib import Path

from tests.rendering import assert_succeeds, render, tool

SEED_CONFTEST = """
import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.db.base import Base
from app.db.session import get_db
from app.main import app


@pytest.fixture
async def client():
    engine = create_async_engine("sqlite+aiosqlite:///:memory:")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def override_get_db():
        async with sessions() as session:
            yield session

    app.dependency_overrides[get_db] = override_get_db
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client
    app.dependency_overrides.clear()
    await engine.dispose()
"""
SEED_TEST = """
async def test_an_item_made_through_the_api_reads_back(client):
    created = await client.post("/items/", json={"name": "Widget", "price": 9.99})
    read = await client.get(f"/items/{created.json()['id']}")

    assert created.status_code == 201
    assert read.json()["name"] == "Widget"
"""


def test_a_conftest_of_the_seed_shape_passes_on_a_default_render(tmp_path: Path) -> None:
    project = render(tmp_path, {})
    shutil.rmtree(project / "tests")
    (project / "tests").mkdir()
    (project / "tests" / "conftest.py").write_text(SEED_CONFTEST)
    (project / "tests" / "test_seed.py").write_text(SEED_TEST)

    output = assert_succeeds([*tool("pytest"), "-q", "-p", "no:cacheprovider"], project)

    assert output.strip().splitlines()[-1].startswith("1 passed")
