"""Jobs go into the database with the request's own transaction, and out to the broker once that
transaction has committed; the relay sends again what the broker did not take or no worker
finished."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Concatenate, Generic, ParamSpec

from sqlalchemy import event, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from app.core.config import get_settings
from app.jobs.broker import now, send
from app.jobs.context import request_context
from app.jobs.models import Job

P = ParamSpec("P")

# The session's jobs that its commit sends, in session.info.
PENDING = "jobs to send"
# The most jobs one run of the relay sends.
RELAY_BATCH = 1000

logger = logging.getLogger(__name__)
# Sends under way after a commit: kept here, or the event loop could drop them half-way.
_sending: set[asyncio.Task[None]] = set()


class Work(Generic[P]):
    """A job's work: an async function that takes a session first, made with `@job`.

    `work.enqueue(session, ...)` has a worker run it once that session commits; calling it runs it
    here and now.
    """

    def __init__(self, function: Callable[Concatenate[AsyncSession, P], Awaitable[None]]) -> None:
        self.function = function
        self.name = f"{function.__module__}.{function.__qualname__}"

    async def __call__(self, session: AsyncSession, *args: P.args, **kwargs: P.kwargs) -> None:
        await self.function(session, *args, **kwargs)

    def enqueue(self, session: AsyncSession, *args: P.args, **kwargs: P.kwargs) -> None:
        """Have a worker run it with these arguments once this session commits, never if it rolls
        back. They must be JSON: ids, not objects (the job loads what it needs)."""
        context = request_context()
        job = Job(
            name=self.name,
            arguments={"args": list(args), "kwargs": kwargs},
            context=context,
            # Sent at once after the commit; due again, should no worker have finished it by then.
            run_after=now() + timedelta(seconds=get_settings().jobs_lease_seconds),
        )
        session.add(job)
        session.info.setdefault(PENDING, []).append((job, context))


# Every job's work, by name: what a stored job runs (app/jobs/runner.py).
WORK: dict[str, Work[...]] = {}


def job(function: Callable[Concatenate[AsyncSession, P], Awaitable[None]]) -> Work[P]:
    """Make the function a job's work, registered under its module and name: the name that its
    jobs are stored with, so a job stored under a name that no longer exists fails."""
    work = Work(function)
    WORK[work.name] = work
    return work


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if pending:
        # The ids, from the identity map: reading an attribute could mean a query here.
        due = [(inspect(job).identity[0], context) for job, context in pending]
        sending = asyncio.get_running_loop().create_task(send(due))
        _sending.add(sending)
        sending.add_done_callback(_sending.discard)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, _transaction: object) -> None:
    # A savepoint's rollback forgets them too: those that its transaction still commits are sent
    # by the relay, when their lease ends.
    session.info.pop(PENDING, None)


async def relay(sessions: async_sessionmaker[AsyncSession]) -> int:
    """Send the jobs that are due: not sent, not finished in time, or due to be tried again.
    Each is due again a lease later, unless a worker finishes it. How many were sent."""
    lease = timedelta(seconds=get_settings().jobs_lease_seconds)
    async with sessions() as session:
        due = (
            await session.execute(
                select(Job.id, Job.context)
                .where(Job.failed_at.is_(None), Job.run_after <= now())
                .order_by(Job.run_after)
                .limit(RELAY_BATCH)
            )
        ).all()
        if not due:
            return 0
        due_ids = [job_id for job_id, _ in due]
        await session.execute(
            update(Job).where(Job.id.in_(due_ids)).values(run_after=now() + lease)
        )
        await session.commit()
    logger.info("Relaying %d jobs", len(due))
    await send([(job_id, context) for job_id, context in due])
    return len(due)
