"""The test schema: created from the models, once per run (and per xdist worker)."""

from sqlalchemy.ext.asyncio import AsyncConnection

from app.models import Base


async def create_schema(connection: AsyncConnection) -> None:
    await connection.run_sync(Base.metadata.create_all)
