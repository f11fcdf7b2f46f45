"""The jobs in the tests: what a commit sends stays here instead of going to Redis, and a test runs
the jobs it made in-process, on its own session, inside its own transaction: none outlives it.

A plugin (see tests/conftest.py). The live tests (tests/jobs/test_live.py, and the mails' in
renders with accounts) run real workers, on a Redis server of their own (`redis_server`), and read
the live database from outside them (`database`).
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.jobs import outbox, runner
from app.jobs.models import Job
from tests.jobs import work
from tests.jobs.live import Database, RedisServer


@pytest.fixture(scope="session")
def _sent_by_commits() -> Iterator[list[int]]:
    sent: list[int] = []

    def record(due: list[tuple[int, dict[str, str]]]) -> Awaitable[None]:
        sent.extend(job_id for job_id, _ in due)  # at the commit, not later in a task
        return asyncio.sleep(0)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outbox, "send", record)
        yield sent


@pytest.fixture(autouse=True)
def sent_jobs(_sent_by_commits: list[int]) -> list[int]:
    """The ids of the jobs that this test's commits sent, in order."""
    _sent_by_commits.clear()
    return _sent_by_commits


def sessions_on(db_session: AsyncSession) -> async_sessionmaker[AsyncSession]:
    """Sessions inside the test's transaction, as the worker's would be."""
    return async_sessionmaker(
        db_session.bind, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


RunJobs = Callable[[], Awaitable[dict[int, str]]]


@pytest.fixture
def run_jobs(db_session: AsyncSession) -> RunJobs:
    """run_jobs(): run every job in the test's database that is not failed for good, as a worker
    would; the outcome of each, by job id."""

    async def run_all() -> dict[int, str]:
        waiting = await db_session.scalars(select(Job.id).where(Job.failed_at.is_(None)))
        return {
            job_id: await runner.run(job_id, sessions_on(db_session)) for job_id in waiting.all()
        }

    return run_all


@pytest.fixture
async def failing_job(db_session: AsyncSession) -> int:
    """The id of a job, committed, whose every run fails."""
    work.fails.enqueue(db_session, "out of luck")
    await db_session.commit()
    job_id = await db_session.scalar(select(Job.id).where(Job.name == work.fails.name))
    assert job_id is not None
    return job_id


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A Redis server of the test's own (tests/jobs/live.py), stopped at its end."""
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def database(live_database: str) -> AsyncIterator[Database]:
    """The live database, from outside the processes that use it."""
    database = Database(live_database)
    try:
        yield database
    finally:
        await database.close()
