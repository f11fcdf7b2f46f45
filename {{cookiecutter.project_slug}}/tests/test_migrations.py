"""The migrations build exactly what the models describe, and undo and redo cleanly.

They run on a database of their own: the other tests' schema comes from the models, which spares
every run Alembic's import; the first test here proves the two the same.
"""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.util import CommandError
from sqlalchemy import Integer, column, delete, insert, inspect, select, table
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import get_settings
from app.db.engine import for_migrations, how_to_create
from app.models import Base, Item
from tests.commands import BAD_SETTINGS, PROJECT_ROOT, assert_refused_in_one_line, run_command
from tests.database import MISSING_DATABASE_URL, engine_for, spare_database

ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"
# Users as the first revision made them: rows written at an early revision have these columns alone.
FIRST_USERS = table(
    "users", column("id", Integer), column("username"), column("email"), column("hashed_password")
)
# How far the data migrations' tests upgrade
{{- ": not to 0006, which takes no users with passwords" if cookiecutter.auth == "oidc" }}.
UPGRADED = "{{ "0005" if cookiecutter.auth == "oidc" else "head" }}"


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, leaving pytest's logging alone: set to run on this connection, or
    without one on DATABASE_URL, as from the command line."""
    config = Config(ALEMBIC_INI)
    config.attributes["configure_logger"] = False
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@pytest.fixture(scope="module")
def migrations_database() -> Iterator[str]:
    with spare_database("migrations") as url:
        yield url


@pytest.fixture(scope="module")
async def engine(migrations_database: str) -> AsyncIterator[AsyncEngine]:
    """An engine on this module's database, upgraded to head by the migrations."""
    engine = for_migrations(engine_for(migrations_database))  # as migrations/env.py connects
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), "head"))
    yield engine
    await engine.dispose()


def differences_from_the_models(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrations_match_the_models(engine: AsyncEngine) -> None:
    # A model changed without a revision shows here.
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


async def users_after_upgrading_from_0001(
    engine: AsyncEngine, users: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Users stored at revision 0001, as they are after the upgrade (all rolled back)."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        try:
            await connection.run_sync(lambda c: command.downgrade(alembic_config(c), "0001"))
            await connection.execute(
                insert(FIRST_USERS),
                [{"username": u, "email": e, "hashed_password": "x"} for u, e in users],
            )
            await connection.run_sync(lambda c: command.upgrade(alembic_config(c), UPGRADED))
            names = select(FIRST_USERS.c.username, FIRST_USERS.c.email).order_by(FIRST_USERS.c.id)
            rows = await connection.execute(names)
            return [(username, email) for username, email in rows]
        finally:
            await transaction.rollback()


async def test_upgrading_makes_stored_names_ignore_case(engine: AsyncEngine) -> None:
    users = [("Alice", "Alice@Example.COM"), ("bob", "\uff42ob@example.com")]

    after = await users_after_upgrading_from_0001(engine, users)

    assert after == [
        ("alice", "alice@example.com"),
        ("bob", "bob@example.com"),
    ]


async def test_upgrading_refuses_names_that_differ_only_in_case(engine: AsyncEngine) -> None:
    users = [("Alice", "first@example.com"), ("alice", "second@example.com")]

    with pytest.raises(CommandError, match=r"usernames differ only in case or form.*: alice"):
        await users_after_upgrading_from_0001(engine, users)


# The revision before ids were kept from being given again (0004), in this project's history.
{%- if cookiecutter.auth != "none" %}
BEFORE_KEPT_IDS = "0003"


def item_before_kept_ids(owner_id: int) -> dict[str, object]:
    return {"name": "Lamp", "price": 1.5, "owner_id": owner_id}
{%- else %}
BEFORE_KEPT_IDS = "0002"


def item_before_kept_ids(owner_id: int) -> dict[str, object]:  # items have no owner here
    return {"name": "Lamp", "price": 1.5}
{%- endif %}


async def test_upgrading_keeps_every_row_and_never_gives_an_id_again(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        transaction = await connection.begin()
        try:
            await connection.run_sync(lambda c: command.downgrade(alembic_config(c), "0002"))
            await connection.run_sync(lambda c: command.upgrade(alembic_config(c), BEFORE_KEPT_IDS))
            ann = await connection.scalar(
                insert(FIRST_USERS)
                .values(username="ann", email="ann@example.com", hashed_password="x")
                .returning(FIRST_USERS.c.id)
            )
            await connection.execute(
                insert(FIRST_USERS).values(
                    username="bob", email="bob@example.com", hashed_password="x"
                )
            )
            assert ann is not None
            await connection.execute(insert(Item), [item_before_kept_ids(ann)])
            await connection.run_sync(lambda c: command.upgrade(alembic_config(c), UPGRADED))
            users = (
                await connection.execute(select(FIRST_USERS.c.id, FIRST_USERS.c.username))
            ).all()
            items = (await connection.execute(select(Item.name))).all()
            await connection.execute(delete(FIRST_USERS).where(FIRST_USERS.c.username == "bob"))
            newest = await connection.scalar(
                insert(FIRST_USERS)
                .values(username="cy", email="cy@example.com", hashed_password="x")
                .returning(FIRST_USERS.c.id)
            )
        finally:
            await transaction.rollback()

    assert [name for _, name in users] == ["ann", "bob"]
    assert items == [("Lamp",)]
    assert newest is not None
    assert newest > users[-1][0]  # bob's id, the largest, deleted: not given again
{%- if cookiecutter.auth == "oidc" %}


async def test_users_with_passwords_stop_the_upgrade_to_users_from_a_provider(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as connection:
        transaction = await connection.begin()
        try:
            await connection.run_sync(lambda c: command.downgrade(alembic_config(c), "0005"))
            ann = {"username": "ann", "email": "ann@example.com", "hashed_password": "x"}
            await connection.execute(insert(FIRST_USERS).values(ann))
            with pytest.raises(CommandError, match="users with passwords: 1"):
                await connection.run_sync(lambda c: command.upgrade(alembic_config(c), "head"))
        finally:
            await transaction.rollback()
{%- endif %}


def test_upgrading_a_missing_database_says_so_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "database_url", MISSING_DATABASE_URL)

    with pytest.raises(SystemExit) as stopped:
        command.upgrade(alembic_config(), "head")

    message = str(stopped.value.code)
    assert message.startswith("Cannot reach the database at ")
    assert message.endswith(how_to_create(MISSING_DATABASE_URL))
    assert len(message.splitlines()) == 1


@pytest.mark.live
def test_a_bad_setting_stops_alembic_with_the_servers_one_line(tmp_path: Path) -> None:
    alembic = ["-m", "alembic", "-c", str(PROJECT_ROOT / "alembic.ini"), "upgrade", "head"]

    assert_refused_in_one_line(run_command(alembic, tmp_path, BAD_SETTINGS))
