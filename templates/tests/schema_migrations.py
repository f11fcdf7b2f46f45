"""The test schema: built by the migrations, as production's is.

tests/test_migrations.py checks that the migrations build exactly what the models describe.
"""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"


def alembic_config(connection: Connection) -> Config:
    """Alembic's configuration, set to run on this connection, leaving pytest's logging alone."""
    config = Config(ALEMBIC_INI)
    config.attributes["connection"] = connection
    config.attributes["configure_logger"] = False
    return config


async def create_schema(connection: AsyncConnection) -> None:
    await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), "head"))
