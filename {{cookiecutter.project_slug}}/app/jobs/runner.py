"""Running a job: its work, with the session it writes through, once.

The work (`@job`, app/jobs/outbox.py) does not commit: the runner does, together with the
deletion of the job's row, so that its writes happen once however often the job is delivered. It
raises to fail: the job is tried again later (JOBS_RETRY_SECONDS, doubling), then, after
JOBS_MAX_ATTEMPTS, kept as failed, with one error logged.
"""

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import get_settings
from app.jobs.context import carried
from app.jobs.models import ERROR_MAX_LENGTH, Job
from app.jobs.outbox import WORK
{%- if cookiecutter.use_metrics %}
from app.observability import metrics
{%- endif %}

logger = logging.getLogger(__name__)


async def run(job_id: int, sessions: async_sessionmaker[AsyncSession]) -> str:
    """Run the job with this id, unless it is done or failed for good; say which of `done`,
    `retried`, `failed` or `skipped` (done or failed before, or finished meanwhile elsewhere)."""
    async with sessions() as session:
        row = await session.get(Job, job_id)
        if row is None or row.failed_at is not None:
            logger.debug("Job %d is done or failed: skipped", job_id)
            return "skipped"
        name, arguments, attempt = row.name, row.arguments, row.attempts + 1
        started = time.perf_counter()
        with carried(name, row.context):
            try:
                work = WORK.get(name)
                if work is None:
                    raise LookupError(f"no job is registered as {name}")
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
            except Exception as error:
                await session.rollback()
                outcome = await _failed(session, job_id, name, attempt, error)
            seconds = time.perf_counter() - started
            logger.info("Job %s (%d): %s in %.3f s", name, job_id, outcome, seconds)
{%- if cookiecutter.use_metrics %}
        metrics.JOBS.labels(name, outcome).inc()
        metrics.JOB_DURATION.labels(name).observe(seconds)
{%- endif %}
        return outcome


async def _failed(
    session: AsyncSession, job_id: int, name: str, attempt: int, error: Exception
) -> str:
    settings = get_settings()
    now = datetime.now(UTC)
    final = attempt >= settings.jobs_max_attempts
    delay = settings.jobs_retry_seconds * 2 ** (attempt - 1)
    said = f"{type(error).__name__}: {error}"
    values: dict[str, Any] = {
        "attempts": attempt,
        "error": said[:ERROR_MAX_LENGTH],
        "run_after": now + timedelta(seconds=delay),
    }
    if final:
        values["failed_at"] = now
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
