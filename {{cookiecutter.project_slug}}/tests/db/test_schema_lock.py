"""Schema changes one at a time, whichever replica makes them: the advisory lock that they take
(app/db/engine.py: lock_the_schema), on the live server."""

import asyncio
import time
from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db.engine import SCHEMA_LOCK, create_engine, lock_the_schema
{%- if cookiecutter.use_alembic %}
from tests.commands import PROJECT_ROOT, start_command
{%- endif %}

pytestmark = pytest.mark.live

# Those waiting for the lock in this database (a key below 2**32 is its objid). pg_locks shows the
# whole server's, and another database's schema changes (another test run's) take the same key.
WAITING = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :key AND NOT granted"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
).bindparams(key=SCHEMA_LOCK)


async def waiting_at_the_lock(
    connection: AsyncConnection, count: int, ended: Callable[[], bool]
) -> int:
    """How many wait for the lock: once `count` do, or a waiter has ended (it did not
    wait), or 60 s have passed."""
    deadline = time.monotonic() + 60
    waiting = 0
    while waiting < count and not ended() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        waiting = int(await connection.scalar(WAITING) or 0)
    return waiting


async def lock_in_a_transaction(connection: AsyncConnection) -> None:
    async with connection.begin():
        await connection.run_sync(lock_the_schema)


async def test_a_second_change_waits_until_the_first_ones_transaction_ends(
    live_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine(live_database)
    try:
        async with engine.connect() as first, engine.connect() as second:
            async with first.begin():
                await first.run_sync(lock_the_schema)
                second_change = asyncio.create_task(lock_in_a_transaction(second))
                waiting = await waiting_at_the_lock(first, 1, second_change.done)
                waited_for_the_first = not second_change.done()
            await asyncio.wait_for(second_change, timeout=30)  # the first has committed
    finally:
        await engine.dispose()

    assert (waiting, waited_for_the_first) == (1, True)
    assert "Another process is changing the schema: waiting for it to finish" in caplog.text
{%- if cookiecutter.use_alembic %}


async def test_replicas_that_migrate_at_once_apply_each_revision_once(
    live_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Two `alembic upgrade head` at once, as replicas run it when they start, held at the lock
    until both wait there (for longer than the requests' limit on a statement's time), then let go
    together: one migrates, the other waits for it, then finds nothing to do."""
    upgrade = ["-m", "alembic", "-c", str(PROJECT_ROOT / "alembic.ini"), "upgrade", "head"]
    revisions = len(list((PROJECT_ROOT / "migrations" / "versions").glob("*.py")))
    empty_folder = tmp_path_factory.mktemp("replica")  # no .env: settings from the environment
    engine = create_engine(live_database_url)
    try:
        async with engine.connect() as holder, holder.begin():  # held until the block ends
            await holder.run_sync(lock_the_schema)
            settings = {"DATABASE_URL": live_database_url, "DB_TIMEOUT_SECONDS": "1"}
            replicas = [await start_command(upgrade, empty_folder, settings) for _ in range(2)]
            waiting = await waiting_at_the_lock(
                holder, 2, lambda: any(replica.returncode is not None for replica in replicas)
            )
            await asyncio.sleep(2)  # longer than a request's statement may take: a migration's may
        outputs = [(await replica.communicate())[0].decode() for replica in replicas]
        assert [replica.returncode for replica in replicas] == [0, 0], outputs
        async with engine.connect() as connection:
            version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        await engine.dispose()
    applied = [[line for line in out.splitlines() if "Running upgrade" in line] for out in outputs]
    print(f"{waiting} waited at the lock; revisions applied by each: {[len(a) for a in applied]}")

    assert waiting == 2, outputs
    assert sorted(len(lines) for lines in applied) == [0, revisions], outputs
    assert f"-> {version}," in max(applied, key=len)[-1]
{%- endif %}
