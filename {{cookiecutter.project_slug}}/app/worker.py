"""The worker: `python -m app.worker` runs the jobs that the broker brings (app/jobs), up to
JOBS_CONCURRENCY at once, in one process. Run as many workers as the jobs need, on any machines
that reach the database and Redis.

On SIGTERM (or Ctrl+C) it takes no new job, gives the jobs in hand GRACEFUL_SHUTDOWN_SECONDS to
finish, then exits: a job still running then is rolled back, named in a warning, and runs again
once its heartbeats have stopped (app/jobs/runner.py).
"""

import logging
from contextlib import AsyncExitStack

from taskiq import AsyncBroker, TaskiqEvents, TaskiqState
from taskiq.cli.worker.args import WorkerArgs
from taskiq.cli.worker.run import start_listen

from app import liveness
from app.core.config import get_settings
from app.core.logging import configure_logging
from app.db.session import get_engine
from app.jobs import runner
from app.jobs.tasks import broker_with_tasks
{%- if cookiecutter.use_metrics or cookiecutter.use_tracing or cookiecutter.use_sentry %}
from app.observability import {{ ["metrics" if cookiecutter.use_metrics, "sentry" if cookiecutter.use_sentry, "tracing" if cookiecutter.use_tracing] | select | join(", ") }}
{%- endif %}

# The modules whose jobs the workers run: add each new one here.
JOB_MODULES = [{{ '"app.accounts.mailing", ' if cookiecutter.auth == "jwt" }}"app.items.jobs"]
# After the jobs in hand, the most that closing the connections may take: a job still running
# then ends with the process.
BROKER_SHUTDOWN_SECONDS = 2


def worker_broker() -> AsyncBroker:
    """The broker as each worker process has it: with its tasks, and what starts and ends with
    the process."""
    broker = broker_with_tasks()
    running = AsyncExitStack()

    async def started(_: TaskiqState) -> None:
        settings = get_settings()
        configure_logging(settings)
        await running.enter_async_context(liveness.beating("worker"))
{%- if cookiecutter.use_sentry %}
        sentry.start(settings)
{%- endif %}
{%- if cookiecutter.use_tracing %}
        tracing.instrument_jobs()
{%- endif %}
{%- if cookiecutter.use_metrics %}
        await running.enter_async_context(metrics.serving(settings))
{%- endif %}
        running.push_async_callback(get_engine().dispose)
        # First as the worker stops: the jobs that outlasted the drain, named and rolled back.
        running.push_async_callback(runner.cut_short)

    async def stopped(_: TaskiqState) -> None:
        await running.aclose()

    broker.add_event_handler(TaskiqEvents.WORKER_STARTUP, started)
    broker.add_event_handler(TaskiqEvents.WORKER_SHUTDOWN, stopped)
    return broker


def main(modules: list[str] = JOB_MODULES) -> None:
    settings = get_settings()
    configure_logging(settings)
    # Warnings only from taskiq: app/jobs/runner.py writes a line per job.
    logging.getLogger("taskiq").setLevel(logging.WARNING)
    # taskiq's listener, in this process: no supervisor process (`taskiq worker`) between it and
    # the signals, so one worker is one process, as a container runs it.
    start_listen(
        WorkerArgs(
            broker=f"{__name__}:worker_broker",
            modules=modules,
            max_async_tasks=settings.jobs_concurrency,
            wait_tasks_timeout=settings.graceful_shutdown_seconds,
            shutdown_timeout=BROKER_SHUTDOWN_SECONDS,
        )
    )


if __name__ == "__main__":
    main()
