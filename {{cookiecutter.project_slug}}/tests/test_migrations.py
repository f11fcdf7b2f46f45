"""The migrations build exactly what the models describe, and undo and redo cleanly."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.models import Base
from tests.schema import alembic_config


def differences_from_the_models(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrations_match_the_models(engine: AsyncEngine) -> None:
    # The test schema comes from the migrations: a model changed without a revision shows here.
    async with engine.connect() as connection:
        differences = await connection.run_sync(differences_from_the_models)

    assert differences == []


async def test_downgrade_to_base_then_upgrade_to_head(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        transaction = await connection.begin()
        try:
            await connection.run_sync(lambda c: command.downgrade(alembic_config(c), "base"))
            after_downgrade = await connection.run_sync(table_names)
            await connection.run_sync(lambda c: command.upgrade(alembic_config(c), "head"))
            after_upgrade = await connection.run_sync(table_names)
        finally:
            await transaction.rollback()

    assert after_downgrade == {"alembic_version"}
    assert after_upgrade == {"alembic_version", *Base.metadata.tables}
