"""For the live jobs tests: a Redis server of their own, the worker and the scheduler as real
processes, and the jobs table read and written from outside them."""

import asyncio
import shutil
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.engine import create_engine
from app.items.models import Item
from app.jobs import Work
from app.jobs.models import Job
from app.liveness import alive_file
from tests.live_server import STARTUP_SECONDS, free_port
from tests.processes import STOP_SECONDS, PythonProcess, running
from tests.profile import server_missing

# Fast enough for a test to see: a lost job is sent again within seconds, so is the job of a worker
# that died (1.5 s after its last heartbeat), a failing one is retried at once, and the relay runs
# every second.
FAST_JOBS = {
    "JOBS_LEASE_SECONDS": "3",
    "JOBS_HEARTBEAT_SECONDS": "0.5",
    "JOBS_RELAY_SECONDS": "1",
    "JOBS_RETRY_SECONDS": "0.1",
    "JOBS_MAX_ATTEMPTS": "3",
    "LOG_FORMAT": "console",
    "PYTHONUNBUFFERED": "1",  # its output readable while it runs
}
# Generous: a busy machine runs a process's first job late, after imports of seconds.
WAIT_SECONDS = 60


class RedisServer:
    """A redis-server process of the test's own, on a free port, which the test may stop and start
    again: no other test shares it."""

    def __init__(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            server_missing("no redis-server on PATH: install Redis (e.g. apt install redis-server)")
        self.executable = str(executable)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        client = Redis.from_url(self.url)
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                client.ping()
                break
            except RedisConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=STOP_SECONDS)
            self.process = None

    def client(self) -> Redis:
        return Redis.from_url(self.url)


@contextmanager
def started(
    module: str, database_url: str, redis: RedisServer, settings: Mapping[str, str] | None = None
) -> Iterator[PythonProcess]:
    """`python -m module` (the worker or the scheduler) on this database and Redis server, with the
    FAST_JOBS settings and these over them, until the block ends (tests/processes.py's `running`:
    its liveness file, app/liveness.py, in its own folder too)."""
    settings = {"JOBS_BROKER_URL": redis.url, **FAST_JOBS, **(settings or {})}
    with running(module, {"DATABASE_URL": database_url, **settings}) as process:
        yield process


class Database:
    """The live database, from outside the processes that use it."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)

    async def close(self) -> None:
        await self.engine.dispose()

    async def store_job(self, work: Work[...], *args: object) -> int:
        """A job as `enqueue` stores it, due now: the relay sends it within JOBS_RELAY_SECONDS."""
        async with AsyncSession(self.engine, expire_on_commit=False) as session:
            job = Job(
                name=work.name,
                arguments={"args": list(args), "kwargs": {}},
                context={},
                run_after=datetime.now(UTC),
            )
            session.add(job)
            await session.commit()
            return job.id

    async def job(self, job_id: int) -> Job | None:
        async with AsyncSession(self.engine, expire_on_commit=False) as session:
            return await session.get(Job, job_id)

    async def jobs_left(self, work: Work[...] | None = None) -> int:
        """The jobs in the table: all, or those of this work."""
        query = select(func.count()).select_from(Job)
        if work is not None:
            query = query.where(Job.name == work.name)
        async with AsyncSession(self.engine, expire_on_commit=False) as session:
            return await session.scalar(query) or 0

    async def price(self, item_id: int) -> float:
        async with AsyncSession(self.engine, expire_on_commit=False) as session:
            item = await session.get(Item, item_id)
            assert item is not None
            return item.price


async def until(condition: Callable[[], Awaitable[bool]], what: str) -> float:
    """Wait until the condition holds, for at most WAIT_SECONDS; the seconds it took."""
    started_at = time.monotonic()
    while not await condition():
        if time.monotonic() - started_at > WAIT_SECONDS:
            raise AssertionError(f"not within {WAIT_SECONDS} s: {what}")
        await asyncio.sleep(0.05)
    return time.monotonic() - started_at


async def alive(*workers: PythonProcess) -> bool:
    """Whether each worker has started: its liveness file (app/liveness.py) is in its folder."""
    return all((worker.folder / alive_file("worker").name).exists() for worker in workers)


async def none_left(database: Database, work: Work[...] | None = None) -> bool:
    """Whether no job is left in the table: none at all, or none of this work."""
    return await database.jobs_left(work) == 0
