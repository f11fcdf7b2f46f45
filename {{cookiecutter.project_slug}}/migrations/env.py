"""How Alembic reaches the database: the app's settings and engine, the models' metadata.

Run from the command line, it connects to DATABASE_URL. Code that already holds a connection (the
tests) passes it in `config.attributes["connection"]` and calls the command inside
`connection.run_sync(...)`.
"""

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError

from app import models
from app.core.config import get_settings
from app.db.engine import create_engine

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
        context.run_migrations()


async def run_migrations_on_a_new_connection() -> None:
    url = get_settings().database_url
    engine = create_engine(url)
    try:
        try:
            connection = await engine.connect()
        except (OSError, SQLAlchemyError) as error:
            # One line, not a traceback: the database is missing or the server does not answer.
            reason = str(getattr(error, "orig", None) or error).splitlines()[0]
            shown = make_url(url).render_as_string(hide_password=True)
            raise SystemExit(
                f"Cannot reach the database at {shown}: {reason}. Create the database, start its "
                "server, or point DATABASE_URL at one."
            ) from None
        async with connection:
            await connection.run_sync(run_migrations)
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
