"""Running a job: its work, with the session it writes through, once.

An attempt is counted as it starts: the worker claims the job, and shows that it is still at it
every JOBS_HEARTBEAT_SECONDS. A job whose worker has shown nothing for STALE_HEARTBEATS of them
(it was killed, or hangs) is due again, and its next start counts the attempt that died; after
JOBS_MAX_ATTEMPTS of those, it fails for good. A job that runs for an hour with a live worker is
never sent to another.

The work (`@job`, app/jobs/outbox.py) does not commit: the runner does, together with the
deletion of the job's row, so that its writes happen once however often the job is delivered. It
raises to fail: the job is tried again later (JOBS_RETRY_SECONDS, doubling), then, after
JOBS_MAX_ATTEMPTS, kept as failed, with one error logged.
"""

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import get_settings
from app.db.session import reason
from app.jobs.broker import now
from app.jobs.context import carried
from app.jobs.models import ERROR_MAX_LENGTH, Job
from app.jobs.outbox import WORK
{%- if cookiecutter.use_metrics %}
from app.observability import metrics
{%- endif %}

# Heartbeats missed before a running job counts as abandoned by its worker.
STALE_HEARTBEATS = 3

logger = logging.getLogger(__name__)
# The tasks running jobs in this process (cut_short).
_in_hand: set[asyncio.Task[Any]] = set()


def stale_after() -> timedelta:
    return timedelta(seconds=get_settings().jobs_heartbeat_seconds * STALE_HEARTBEATS)


async def run(job_id: int, sessions: async_sessionmaker[AsyncSession]) -> str:
    """Run the job with this id, unless it is done, failed for good, or running elsewhere; say
    which of `done`, `retried`, `failed`, `skipped` (done, failed or running elsewhere before, or
    finished meanwhile elsewhere) or `cut short` (by the worker's shutdown)."""
    async with sessions() as session:
        claimed = await _claim(session, job_id)
        if isinstance(claimed, str):
            return claimed
        name, arguments, context, attempt = claimed
        started = time.perf_counter()
        in_hand = cast(asyncio.Task[Any], asyncio.current_task())  # a coroutine runs in one
        _in_hand.add(in_hand)
        with carried(name, context):
            try:
                work = WORK.get(name)
                if work is None:
                    raise LookupError(f"no job is registered as {name}")
                async with _beating(sessions, job_id, attempt):
                    await work(session, *arguments["args"], **arguments["kwargs"])
                finished = await session.scalar(
                    delete(Job).where(Job.id == job_id).returning(Job.id)
                )
                if finished is None:  # another worker finished it first: its writes count
                    await session.rollback()
                    outcome = "skipped"
                else:
                    await session.commit()
                    outcome = "done"
            except asyncio.CancelledError:  # by cut_short(), as its worker stops
                await session.rollback()
                outcome = "cut short"
            except Exception as error:
                await session.rollback()
                outcome = await _failed(session, job_id, name, attempt, error)
            finally:
                _in_hand.discard(in_hand)
            seconds = time.perf_counter() - started
            if outcome == "cut short":
                logger.warning(
                    "Job %s (%d) was cut short by its worker's shutdown after %.3f s: it runs"
                    " again once its heartbeats have stopped",
                    name,
                    job_id,
                    seconds,
                )
            else:
                logger.info("Job %s (%d): %s in %.3f s", name, job_id, outcome, seconds)
{%- if cookiecutter.use_metrics %}
        metrics.JOBS.labels(name, outcome).inc()
        metrics.JOB_DURATION.labels(name).observe(seconds)
{%- endif %}
        return outcome


async def cut_short() -> None:
    """End the jobs in hand, each rolled back and named in one warning: what a worker that is
    stopping does with those that outlasted its drain. They run again once their heartbeats
    have stopped."""
    for running in _in_hand:
        running.cancel()
    await asyncio.gather(*_in_hand, return_exceptions=True)


async def _claim(
    session: AsyncSession, job_id: int
) -> tuple[str, dict[str, Any], dict[str, str], int] | str:
    """Start an attempt at the job, committed: its name, arguments, context and the attempt's
    number; or, where there is none to start, what became of it (`skipped`, `failed`)."""
    settings = get_settings()
    moment = now()
    claimable = (
        Job.id == job_id,
        Job.failed_at.is_(None),
        or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < moment - stale_after()),
    )
    row = (
        await session.execute(
            select(
                Job.name,
                Job.arguments,
                Job.context,
                Job.attempts,
                Job.heartbeat_at.is_not(None).label("abandoned"),
            ).where(*claimable)
        )
    ).one_or_none()
    if row is None:
        logger.debug("Job %d is done, failed or running elsewhere: skipped", job_id)
        return "skipped"
    values: dict[str, Any] = {
        "attempts": row.attempts + 1,
        "heartbeat_at": moment,
        "run_after": moment + stale_after(),
    }
    if row.abandoned:
        values["error"] = f"attempt {row.attempts}: its worker stopped before it ended"
        logger.warning("Job %s (%d): %s", row.name, job_id, values["error"])
        if row.attempts >= settings.jobs_max_attempts:
            values = {"heartbeat_at": None, "failed_at": moment, "error": values["error"]}
    # Of two workers that claim it at once, one changes the row: the other has nothing to run.
    claimed = await session.execute(
        update(Job).where(*claimable, Job.attempts == row.attempts).values(values)
    )
    await session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return "skipped"
    if "failed_at" in values:
        logger.error(
            "Job %s (%d) failed for good after %d attempts: %s",
            row.name,
            job_id,
            row.attempts,
            values["error"],
        )
        return "failed"
    return row.name, row.arguments, row.context, row.attempts + 1


@asynccontextmanager
async def _beating(
    sessions: async_sessionmaker[AsyncSession], job_id: int, attempt: int
) -> AsyncIterator[None]:
    """While the block runs, show every JOBS_HEARTBEAT_SECONDS that this attempt is under way."""

    async def beat() -> None:
        every = get_settings().jobs_heartbeat_seconds
        while True:
            await asyncio.sleep(every)
            moment = now()
            try:
                async with sessions() as session:
                    await session.execute(
                        update(Job)
                        .where(Job.id == job_id, Job.attempts == attempt)
                        .values(heartbeat_at=moment, run_after=moment + stale_after())
                    )
                    await session.commit()
            except SQLAlchemyError as error:  # tried again at the next beat
                logger.warning("Job %d: its heartbeat was not recorded: %s", job_id, reason(error))

    beating = asyncio.create_task(beat())
    try:
        yield
    finally:
        beating.cancel()
        with suppress(asyncio.CancelledError):
            await beating


async def _failed(
    session: AsyncSession, job_id: int, name: str, attempt: int, error: Exception
) -> str:
    settings = get_settings()
    moment = now()
    final = attempt >= settings.jobs_max_attempts
    delay = settings.jobs_retry_seconds * 2 ** (attempt - 1)
    said = f"{type(error).__name__}: {error}"
    values: dict[str, Any] = {
        "heartbeat_at": None,
        "error": said[:ERROR_MAX_LENGTH],
        "run_after": moment + timedelta(seconds=delay),
    }
    if final:
        values["failed_at"] = moment
    await session.execute(update(Job).where(Job.id == job_id).values(values))
    await session.commit()
    if final:
        logger.error(
            "Job %s (%d) failed for good after %d attempts", name, job_id, attempt, exc_info=error
        )
        return "failed"
    logger.warning(
        "Job %s (%d) failed (attempt %d of %d), tried again in %g s: %s",
        name,
        job_id,
        attempt,
        settings.jobs_max_attempts,
        delay,
        said,
    )
    return "retried"
