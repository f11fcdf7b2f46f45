"""What building the test schema costs: from the models (create_all) or by the migrations.

Renders a project with migrations and times both ways on a fresh database, once per test run's
worth: on SQLite in memory, and on PostgreSQL when TEST_DATABASE_URL names a server; and the
import of Alembic, which a process pays before it can run the migrations.

    uv run python bench/schema_setup.py [--runs N]
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import postgres
from tests.rendering import assert_succeeds, render

TIMING = """
import asyncio, statistics, sys, time

from sqlalchemy.ext.asyncio import create_async_engine

from app.models import Base

started = time.perf_counter()
from alembic import command
from alembic.config import Config
ALEMBIC_IMPORT = time.perf_counter() - started


def upgrade(connection):
    config = Config("alembic.ini")
    config.attributes["connection"] = connection
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")


async def build(url, how):
    engine = create_async_engine(url)
    started = time.perf_counter()
    async with engine.begin() as connection:
        if how == "migrations":
            await connection.run_sync(upgrade)
        else:
            await connection.run_sync(Base.metadata.create_all)
    elapsed = time.perf_counter() - started
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    await engine.dispose()
    return elapsed


async def main(url, runs):
    for how in ("create_all", "migrations"):
        times = [await build(url, how) for _ in range(runs)]
        print(f"{how} {statistics.median(times) * 1000:.1f}")
    print(f"alembic_import {ALEMBIC_IMPORT * 1000:.0f}")


asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


def measure(project: Path, url: str, runs: int) -> dict[str, str]:
    output = assert_succeeds(
        [sys.executable, "-c", TIMING, url, str(runs)], project, env={"DATABASE_URL": url}
    )
    return dict(line.split() for line in output.splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="builds of each kind (15)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        rows = {}
        project = render(Path(tmp) / "sqlite", {"use_alembic": True})
        rows["SQLite in memory"] = measure(project, "sqlite+aiosqlite:///:memory:", args.runs)
        if os.environ.get("TEST_DATABASE_URL"):
            project = render(Path(tmp) / "pg", {"use_alembic": True, "database": "postgresql"})
            server = postgres.server_url()
            with postgres.new_database(server, "schema_setup_bench") as url:
                rows["PostgreSQL"] = measure(project, url, args.runs)

    print(
        f"Building the schema on an empty database, median of {args.runs} builds; importing "
        "Alembic, which only the migrations need, once per process"
    )
    print()
    print("| database | create_all (ms) | migrations (ms) | importing Alembic (ms) |")
    print("| --- | ---: | ---: | ---: |")
    for database, times in rows.items():
        print(
            f"| {database} | {times['create_all']} | {times['migrations']} "
            f"| {times['alembic_import']} |"
        )


if __name__ == "__main__":
    main()
