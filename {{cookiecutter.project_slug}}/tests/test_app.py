from httpx import AsyncClient
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from app.db import session as db
from app.db.models import Base


async def test_health_is_ok(async_client: AsyncClient) -> None:
    response = await async_client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_lifespan_created_the_tables_on_the_apps_own_engine(
    async_client: AsyncClient,
) -> None:
    def table_names(connection: Connection) -> set[str]:
        return set(inspect(connection).get_table_names())

    async with db.engine.connect() as connection:
        tables = await connection.run_sync(table_names)

    assert set(Base.metadata.tables) <= tables


async def test_unknown_route_is_404(async_client: AsyncClient) -> None:
    response = await async_client.get("/nowhere")

    assert response.status_code == 404
