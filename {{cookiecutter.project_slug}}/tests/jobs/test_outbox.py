"""Jobs go out with the commit that stores them, run once, and fail into the dead letters."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from asgi_correlation_id import correlation_id
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import get_settings
from app.items.jobs import item_created
from app.items.models import Item
from app.jobs import outbox, runner
from app.jobs.broker import now
from app.jobs.models import Job
from tests import factories
from tests.jobs import work
from tests.jobs.plugin import RunJobs, sessions_on


def seconds_until(moment: datetime) -> float:
    """From now until the moment, which SQLite gives back without its zone: UTC, as stored."""
    return (moment.replace(tzinfo=UTC) - now()).total_seconds()


async def jobs_stored(session: AsyncSession) -> list[Job]:
    return list((await session.scalars(select(Job).order_by(Job.id))).all())


async def test_a_created_item_sends_its_job_once_committed(
    db_session: AsyncSession, sent_jobs: list[int], run_jobs: RunJobs
) -> None:
    item = await factories.create_item(db_session)

    (job,) = await jobs_stored(db_session)
    assert sent_jobs == [job.id]
    assert (job.name, job.arguments) == (
        "app.items.jobs.item_created",
        {"args": [item.id], "kwargs": {}},
    )
    assert await run_jobs() == {job.id: "done"}
    assert await jobs_stored(db_session) == []


async def test_a_rolled_back_job_is_neither_sent_nor_stored(
    db_session: AsyncSession, sent_jobs: list[int]
) -> None:
    async with sessions_on(db_session)() as session:
        item_created.enqueue(session, 1)
        await session.flush()
        assert len(await jobs_stored(session)) == 1
        await session.rollback()
        await session.commit()  # nothing left to commit, nothing sent

    assert sent_jobs == []
    assert await jobs_stored(db_session) == []


async def test_a_job_runs_once_however_often_it_is_delivered(
    db_session: AsyncSession, run_jobs: RunJobs
) -> None:
    item = await factories.create_item(db_session, price=10)
    await run_jobs()  # the item's own job
    work.add_to_price.enqueue(db_session, item.id, 1)
    await db_session.commit()
    (job,) = await jobs_stored(db_session)

    outcomes = [await runner.run(job.id, sessions_on(db_session)) for _ in range(3)]

    assert outcomes == ["done", "skipped", "skipped"]
    await db_session.refresh(item)
    assert item.price == 11


async def test_a_failing_job_is_retried_with_backoff_then_kept_as_failed(
    db_session: AsyncSession,
    failing_job: int,
    run_jobs: RunJobs,
    log_lines: Callable[[], list[dict[str, object]]],
) -> None:
    settings = get_settings()

    outcomes = [await run_jobs() for _ in range(settings.jobs_max_attempts + 1)]

    (job,) = await jobs_stored(db_session)
    assert job.id == failing_job
    assert [list(outcome.values()) for outcome in outcomes] == [
        *[["retried"]] * (settings.jobs_max_attempts - 1),
        ["failed"],
        [],  # failed for good: no longer run
    ]
    assert job.attempts == settings.jobs_max_attempts
    assert job.failed_at is not None
    assert job.error == "RuntimeError: out of luck"
    errors = [line for line in log_lines() if line["level"] == "ERROR"]
    assert [line["message"] for line in errors] == [
        f"Job tests.jobs.work.fails ({job.id}) failed for good after "
        f"{settings.jobs_max_attempts} attempts"
    ]


async def test_retries_wait_longer_each_time(
    db_session: AsyncSession, failing_job: int, run_jobs: RunJobs
) -> None:
    waits = []
    for _ in range(3):
        await run_jobs()
        job = await db_session.get(Job, failing_job, populate_existing=True)
        assert job is not None
        waits.append(round(seconds_until(job.run_after)))

    retry = get_settings().jobs_retry_seconds
    assert waits == [round(retry), round(retry * 2), round(retry * 4)]


async def test_a_job_of_an_unknown_name_fails(db_session: AsyncSession, run_jobs: RunJobs) -> None:
    db_session.add(
        Job(
            name="app.gone.work",
            arguments={"args": [], "kwargs": {}},
            context={},
            run_after=now(),
        )
    )
    await db_session.commit()

    assert list((await run_jobs()).values()) == ["retried"]
    (job,) = await jobs_stored(db_session)
    assert job.error == "LookupError: no job is registered as app.gone.work"


async def test_the_relay_sends_the_jobs_due_and_leases_them(
    db_session: AsyncSession, sent_jobs: list[int]
) -> None:
    item = await factories.create_item(db_session)  # its job: sent, and not due yet
    work.add_to_price.enqueue(db_session, item.id, 1)
    work.fails.enqueue(db_session, "dead")
    await db_session.commit()
    _, due, dead = await jobs_stored(db_session)
    due.run_after = now()
    dead.run_after, dead.failed_at = now(), now()
    await db_session.commit()
    sent_jobs.clear()

    assert await outbox.relay(sessions_on(db_session)) == 1
    assert sent_jobs == [due.id]
    await db_session.refresh(due)
    lease = seconds_until(due.run_after)
    assert lease == pytest.approx(get_settings().jobs_lease_seconds, abs=5)
    assert await outbox.relay(sessions_on(db_session)) == 0  # leased: not due again yet


async def test_a_job_logs_with_the_request_id_of_the_request_that_enqueued_it(
    db_session: AsyncSession,
    run_jobs: RunJobs,
    log_lines: Callable[[], list[dict[str, object]]],
) -> None:
    token = correlation_id.set("enqueuing-request")
    try:
        item = await factories.create_item(db_session)
    finally:
        correlation_id.reset(token)

    await run_jobs()

    (line,) = [line for line in log_lines() if line["name"] == "app.items.jobs"]
    assert line["message"] == f"Item {item.id} created: {item.name}"
    assert line["request_id"] == "enqueuing-request"


async def test_items_created_together_each_get_a_job(db_session: AsyncSession) -> None:
    for _ in range(3):
        await factories.create_item(db_session)
    stored = await db_session.scalar(select(func.count()).select_from(Job))
    items = await db_session.scalar(select(func.count()).select_from(Item))
    assert stored == items == 3


async def test_a_failed_attempt_is_counted_and_no_longer_running(
    db_session: AsyncSession, failing_job: int, run_jobs: RunJobs
) -> None:
    await run_jobs()

    job = await db_session.get(Job, failing_job, populate_existing=True)
    assert job is not None
    assert (job.attempts, job.heartbeat_at) == (1, None)  # no longer running


async def abandoned(db_session: AsyncSession, job_id: int, attempts: int) -> None:
    """Make the job look as a worker that died running it leaves it: claimed, its heartbeats
    long stopped."""
    long_ago = now() - timedelta(hours=1)
    await db_session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(attempts=attempts, heartbeat_at=long_ago, run_after=long_ago)
    )
    await db_session.commit()


async def test_a_job_whose_worker_died_runs_again_and_says_so(
    db_session: AsyncSession, log_lines: Callable[[], list[dict[str, object]]], run_jobs: RunJobs
) -> None:
    item = await factories.create_item(db_session, price=10)
    work.add_to_price.enqueue(db_session, item.id, 1)
    await db_session.commit()
    job_id = await db_session.scalar(select(Job.id).where(Job.name == work.add_to_price.name))
    assert job_id is not None
    await abandoned(db_session, job_id, attempts=1)

    outcomes = await run_jobs()

    await db_session.refresh(item)
    assert outcomes[job_id] == "done"
    assert item.price == 11
    warnings = [line["message"] for line in log_lines() if line["level"] == "WARNING"]
    assert warnings == [
        f"Job {work.add_to_price.name} ({job_id}): attempt 1: its worker stopped before it ended"
    ]


async def test_a_job_whose_workers_died_every_attempt_fails_for_good(
    db_session: AsyncSession, failing_job: int, run_jobs: RunJobs
) -> None:
    attempts = get_settings().jobs_max_attempts
    await abandoned(db_session, failing_job, attempts=attempts)

    assert await run_jobs() == {failing_job: "failed"}
    job = await db_session.get(Job, failing_job, populate_existing=True)
    assert job is not None
    assert job.failed_at is not None
    assert (job.attempts, job.heartbeat_at) == (attempts, None)
    assert job.error == f"attempt {attempts}: its worker stopped before it ended"


async def test_a_job_that_a_live_worker_runs_is_not_run_again(
    db_session: AsyncSession, failing_job: int, run_jobs: RunJobs
) -> None:
    await db_session.execute(
        update(Job).where(Job.id == failing_job).values(attempts=1, heartbeat_at=now())
    )
    await db_session.commit()

    assert await run_jobs() == {failing_job: "skipped"}
    job = await db_session.get(Job, failing_job, populate_existing=True)
    assert job is not None
    assert job.attempts == 1
