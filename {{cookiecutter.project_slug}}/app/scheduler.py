"""The scheduler: `python -m app.scheduler` sends the periodic jobs on time (app/jobs/tasks.py).

Run one, or more for one to go on when another stops: each periodic job is sent once per tick
however many run. The first to send a tick marks it in Redis (SET NX, for the tick's own key);
the others see the mark and let it be. A tick is a period of the schedule, counted from the epoch,
so every scheduler agrees on which one it is.
"""

import asyncio
import contextlib
import time
from datetime import timedelta

from redis.asyncio import Redis
from redis.exceptions import RedisError
from taskiq import AsyncBroker, ScheduledTask, TaskiqScheduler
from taskiq.cli.common_args import LogLevel
from taskiq.cli.scheduler.args import SchedulerArgs
from taskiq.cli.scheduler.run import run_scheduler
from taskiq.exceptions import ScheduledTaskCancelledError
from taskiq.schedule_sources import LabelScheduleSource

from app import liveness
from app.core.config import get_settings
from app.core.logging import configure_logging
from app.jobs.broker import QUEUE, outage
from app.jobs.tasks import broker_with_tasks

CRON_TICK_SECONDS = 60  # a cron schedule fires at most once a minute


class OncePerTick(LabelScheduleSource):
    """The schedules that the tasks' labels give, each sent by one scheduler per tick."""

    def __init__(self, broker: AsyncBroker, redis: Redis) -> None:
        super().__init__(broker)
        self.redis = redis

    async def pre_send(self, task: ScheduledTask) -> None:
        period = task.interval or CRON_TICK_SECONDS
        seconds = period.total_seconds() if isinstance(period, timedelta) else period
        tick = int(time.time() // seconds)
        try:
            first = await self.redis.set(
                f"{QUEUE}:sent:{task.schedule_id}:{tick}", 1, nx=True, ex=int(seconds) * 2
            )
        except (RedisError, OSError) as error:
            outage.failed(error)
            raise ScheduledTaskCancelledError from None  # nothing could be sent
        outage.ended()
        if not first:
            raise ScheduledTaskCancelledError  # another scheduler sent this tick


def scheduler() -> TaskiqScheduler:
    broker = broker_with_tasks()
    redis = Redis.from_url(get_settings().jobs_broker_url)
    return TaskiqScheduler(broker, [OncePerTick(broker, redis)])


async def run() -> None:
    # Warnings only from taskiq: not two lines for every tick.
    arguments = SchedulerArgs(
        scheduler(), modules=[], configure_logging=False, log_level=LogLevel.WARNING
    )
    async with liveness.beating("scheduler"):
        await run_scheduler(arguments)


def main() -> None:
    configure_logging(get_settings())
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


if __name__ == "__main__":
    main()
