"""The broker: a Redis list that carries the ids of jobs to the workers (taskiq's
ListQueueBroker), named by JOBS_BROKER_URL. It carries nothing else: the jobs themselves are rows
in the database (app/jobs/outbox.py), so a message that is lost costs a delay, never a job."""

import asyncio
import logging
from collections.abc import AsyncGenerator, Iterable
from datetime import UTC, datetime
from functools import cache
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import update
from taskiq import AsyncBroker
from taskiq.exceptions import SendTaskError
from taskiq.kicker import AsyncKicker
from taskiq_redis import ListQueueBroker

from app.core.config import get_settings
from app.core.outage import Outage
from app.db.session import CONNECTION_ERRORS, get_sessionmaker, reason
from app.jobs.models import Job

QUEUE = {{ (cookiecutter.project_slug ~ ":jobs") | tojson }}
# The two tasks the workers know (app/jobs/tasks.py): run a job, by id; send the jobs due.
RUN = "run_job"
RELAY = "relay_jobs"
# Longest a send waits for the broker: Redis answers in well under a millisecond.
SEND_TIMEOUT_SECONDS = 2
# Longest any command waits for an answer; a worker waits for a message in turns of half of it.
SOCKET_TIMEOUT_SECONDS = 5
LISTEN_RETRY_SECONDS = 1

logger = logging.getLogger(__name__)


@cache
def get_broker() -> AsyncBroker:
    """The process's broker (made on first use)."""
    url = get_settings().jobs_broker_url
    return Queue(
        url,
        queue_name=QUEUE,
        socket_connect_timeout=SEND_TIMEOUT_SECONDS,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
    )


class Queue(ListQueueBroker):
    """taskiq's Redis list, whose workers wait for a message in turns shorter than the socket's
    timeout (an idle queue is no outage), and wait out an outage of Redis: one warning when it
    starts, one when it ends, and a try every LISTEN_RETRY_SECONDS meanwhile (taskiq's own would
    end the worker process, with a traceback, to be started again, over and over)."""

    async def listen(self) -> AsyncGenerator[bytes]:
        timeout = self.connection_pool.connection_kwargs.get("socket_timeout")
        wait = timeout / 2 if timeout else LISTEN_RETRY_SECONDS
        while True:
            try:
                async with Redis(connection_pool=self.connection_pool) as redis:
                    popped = await redis.brpop([self.queue_name], timeout=wait)
            except (RedisError, OSError) as error:
                outage.failed(error)
                await asyncio.sleep(LISTEN_RETRY_SECONDS)
                continue
            outage.ended()
            if popped is not None:  # None: nothing came in that time
                yield cast(bytes, popped[1])  # the pool does not decode replies


async def send(due: Iterable[tuple[int, dict[str, str]]]) -> None:
    """Give the broker these jobs, by id. What it does not take is due at once for the relay,
    which sends it when the broker answers again."""
    unsent = list(due)
    try:
        async with asyncio.timeout(outage.timeout_seconds):
            while unsent:
                job_id, context = unsent[0]
                await AsyncKicker[[int], None](RUN, get_broker(), context).kiq(job_id)
                unsent.pop(0)
    except (SendTaskError, TimeoutError) as error:  # taskiq's wraps what Redis raised
        outage.failed(error)
        await _due_now([job_id for job_id, _ in unsent])
    else:
        outage.ended()


async def _due_now(job_ids: list[int]) -> None:
    try:
        async with get_sessionmaker()() as session:
            await session.execute(update(Job).where(Job.id.in_(job_ids)).values(run_after=now()))
            await session.commit()
    except CONNECTION_ERRORS as error:
        # They are due when their lease ends, all the same.
        logger.warning("Jobs %s wait for their lease to end: %s", job_ids, reason(error))


def now() -> datetime:
    """The time now, in UTC: what the jobs table's times are in."""
    return datetime.now(UTC)


outage = Outage(
    logger,
    failing="The jobs broker failed (%s): jobs wait in the database until it answers",
    answering="The jobs broker answers again after %.0f s",
    timeout_seconds=SEND_TIMEOUT_SECONDS,
)
