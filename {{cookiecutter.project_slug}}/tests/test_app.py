from asgi_lifespan import LifespanManager
from httpx import AsyncClient

from app.db import session as db
from app.main import app


async def test_health_is_ok(async_client: AsyncClient) -> None:
    response = await async_client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_unknown_route_is_404(async_client: AsyncClient) -> None:
    response = await async_client.get("/nowhere")

    assert response.status_code == 404


async def test_lifespan_disposes_the_engine_at_shutdown() -> None:
    pool_before = db.engine.sync_engine.pool

    async with LifespanManager(app):
        assert db.engine.sync_engine.pool is pool_before

    # dispose() closes the pool's connections and puts a new, empty pool in its place.
    assert db.engine.sync_engine.pool is not pool_before
