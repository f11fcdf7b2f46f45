"""Without migrations, the app creates its tables at startup."""

from asgi_lifespan import LifespanManager
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from app.db.session import get_engine
from app.main import app
from app.models import Base


def table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_lifespan_creates_every_table() -> None:
    # With SQLite in memory, disposing the engine leaves an empty database to start from.
    await get_engine().dispose()

    async with LifespanManager(app), get_engine().connect() as connection:
        tables = await connection.run_sync(table_names)

    assert tables >= set(Base.metadata.tables)
