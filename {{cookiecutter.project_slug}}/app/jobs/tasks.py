"""The two tasks that the workers run and the scheduler sends: run a job by its id, and relay the
jobs that are due (every JOBS_RELAY_SECONDS)."""

import logging

from taskiq import AsyncBroker

from app.core.config import get_settings
from app.db.session import CONNECTION_ERRORS, get_sessionmaker, reason
from app.jobs import outbox, runner
from app.jobs.broker import RELAY, RUN, get_broker

logger = logging.getLogger(__name__)


async def run_job(job_id: int) -> None:
    try:
        await runner.run(job_id, get_sessionmaker())
    except CONNECTION_ERRORS as error:
        logger.warning(
            "Job %d waits for the database (%s): it is sent again later", job_id, reason(error)
        )


async def relay_jobs() -> None:
    try:
        await outbox.relay(get_sessionmaker())
    except CONNECTION_ERRORS as error:
        logger.warning("The relay waits for the database (%s)", reason(error))


def broker_with_tasks() -> AsyncBroker:
    """The broker, with the tasks registered: what the worker and the scheduler run."""
    broker = get_broker()
    broker.register_task(run_job, task_name=RUN)
    # Its schedule's id is fixed, the same in every scheduler process (app/scheduler.py).
    every = get_settings().jobs_relay_seconds
    broker.register_task(
        relay_jobs, task_name=RELAY, schedule=[{"interval": every, "schedule_id": RELAY}]
    )
    return broker
