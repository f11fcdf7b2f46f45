"""The broker on a real Redis server (TEST_REDIS_URL): a worker that waits on an idle queue for
longer than the socket's timeout sees no outage, and still gets what comes in."""

import asyncio
import logging

import pytest
from redis.asyncio import Redis

from app.jobs import broker
from app.jobs.broker import QUEUE
from tests.live_server import OwnNames

pytestmark = pytest.mark.live


async def test_an_idle_queue_is_no_outage(
    redis_url: str, own_names: OwnNames, caplog: pytest.LogCaptureFixture
) -> None:
    socket_timeout = 0.4
    name = own_names.name(f"{QUEUE}:")
    queue = broker.Queue(redis_url, queue_name=name, socket_timeout=socket_timeout)
    messages = queue.listen()
    redis = Redis.from_url(redis_url)
    try:
        with caplog.at_level(logging.WARNING, logger=broker.__name__):
            # Idle for five socket timeouts, then a message.
            waiting = asyncio.ensure_future(anext(messages))
            await asyncio.sleep(socket_timeout * 5)
            idle = not waiting.done()
            await redis.lpush(queue.queue_name, b"a message")
            message = await asyncio.wait_for(waiting, timeout=10)
    finally:
        await messages.aclose()
        await redis.aclose()
        await queue.shutdown()

    assert idle
    assert message == b"a message"
    assert [record.getMessage() for record in caplog.records] == []
