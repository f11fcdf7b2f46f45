"""How Alembic reaches the database: the app's settings and engine, the models' metadata.

Run from the command line, it connects to DATABASE_URL. Code that already holds a connection (the
tests) passes it in `config.attributes["connection"]` and calls the command inside
`connection.run_sync(...)`.
"""

import asyncio
from logging.config import fileConfig

from alembic import context
from alembic.util import CommandError
from sqlalchemy.engine import Connection

from app import models
from app.core.config import get_settings
from app.db.engine import create_engine, for_migrations, lock_the_schema
from app.db.session import CONNECTION_ERRORS, unreachable

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=models.Base.metadata,
        # SQLite alters a table by copying it: batch mode does that for each ALTER.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        lock_the_schema(connection)  # replicas that all migrate as they start: one at a time
        context.run_migrations()
        if connection.dialect.name == "sqlite":  # foreign keys were off: check what they guard
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise CommandError(f"rows whose foreign keys refer to no row: {broken}")


async def run_migrations_on_a_new_connection() -> None:
    url = get_settings().database_url
    engine = for_migrations(create_engine(url))
    try:
        try:
            connection = await engine.connect()
        except CONNECTION_ERRORS as error:
            # aiosqlite closes a connection that failed to open on its own thread, and reports back
            # to this event loop: give it the moment it needs before asyncio.run() closes the loop.
            await asyncio.sleep(0.1)
            raise SystemExit(unreachable(url, error)) from None  # one line, not a traceback
        try:
            await connection.run_sync(run_migrations)
        finally:
            await connection.close()
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=get_settings().database_url,
        target_metadata=models.Base.metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
elif (connection := config.attributes.get("connection")) is not None:
    run_migrations(connection)
else:
    asyncio.run(run_migrations_on_a_new_connection())
