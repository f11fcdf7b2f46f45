"""The test schema: created from the models, as the app creates it at startup."""

from sqlalchemy.ext.asyncio import AsyncConnection

from app.models import Base


async def create_schema(connection: AsyncConnection) -> None:
    await connection.run_sync(Base.metadata.create_all)
