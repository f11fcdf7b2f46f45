"""Two replicas of the service (marked `live`): server processes as production runs them
(`python -m app.server`), on one PostgreSQL database and one Redis server, behave as one service
behind a load balancer."""

import asyncio
import signal
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select

from app.db.engine import create_engine
from app.items.models import Item
from tests.clients import live_admin_headers
{%- if cookiecutter.auth == "oidc" %}
from tests.live_server import replicas
{%- else %}
from tests.live_server import OwnNames, replicas
from tests.passwords import RATE_LIMITS, sign_up
{%- endif %}

pytestmark = pytest.mark.live

REQUESTS = 200
AT_ONCE = 20
# Requests whose bodies take TRICKLE_SECONDS to arrive: in flight when their replica is stopped.
SLOW = 4
TRICKLE_SECONDS = 2.0
{%- if cookiecutter.auth != "oidc" %}


async def test_the_replicas_count_the_rate_limits_together(
    live_database: str, redis_url: str, own_names: OwnNames
) -> None:
    address = own_names.address()  # the client's, from the proxy in front of both
    settings = {
        **RATE_LIMITS,
        "RATE_LIMIT_STORAGE_URI": redis_url,
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
    }
    limit = int(RATE_LIMITS["SIGN_UP_RATE_LIMIT"].split("/")[0])
    with replicas(live_database, settings) as servers:
        async with httpx.AsyncClient(headers={"X-Forwarded-For": address}, timeout=30) as client:
            statuses = [
                (
                    await client.post(f"{servers[n % 2][1]}/users/", json=sign_up(f"replica{n}"))
                ).status_code
                for n in range(limit + 2)
            ]

    assert statuses == [201] * limit + [429, 429]
{%- endif %}


async def trickled(body: bytes) -> AsyncIterator[bytes]:
    """The body in a few chunks over TRICKLE_SECONDS, as from a slow client, which then reads the
    answer at once (a pause after the last chunk would leave the client writing while a stopping
    server, its answer sent, has closed the connection)."""
    first, *rest = [body[i : i + 8] for i in range(0, len(body), 8)]
    yield first
    for chunk in rest:
        await asyncio.sleep(TRICKLE_SECONDS / len(rest))
        yield chunk


async def test_sigterm_to_one_replica_under_load_loses_no_request(live_database: str) -> None:
    """As Kubernetes ends a pod: the load balancer stops sending it requests, a moment passes
    (preStop), then SIGTERM, with requests still in flight there; every request gets its 201 and
    its row."""
    with replicas(live_database, {"GRACEFUL_SHUTDOWN_SECONDS": "20"}) as servers:
        (ending, ending_url), (_, other_url) = servers
        async with httpx.AsyncClient(base_url=other_url, timeout=60) as client:
            headers = await live_admin_headers(client, live_database)
        routed = [ending_url, other_url]  # where the load balancer sends new requests
        at_once = asyncio.Semaphore(AT_ONCE)
        answered: list[httpx.Response] = []
        a_quarter_answered = asyncio.Event()

        async def send(client: httpx.AsyncClient, n: int) -> httpx.Response:
            async with at_once:
                url = routed[n % len(routed)]
                answer = await client.post(f"{url}/items/", json={"name": f"load-{n}", "price": 1})
            answered.append(answer)
            if len(answered) >= REQUESTS // 4:
                a_quarter_answered.set()
            return answer

        async def send_slowly(client: httpx.AsyncClient, n: int) -> httpx.Response:
            body = httpx.Request("POST", "/", json={"name": f"slow-{n}", "price": 1}).read()
            return await client.post(
                f"{ending_url}/items/",
                content=trickled(body),
                headers={"Content-Type": "application/json", "Content-Length": str(len(body))},
            )

        async with httpx.AsyncClient(headers=headers, timeout=60) as client:
            load = [asyncio.create_task(send(client, n)) for n in range(REQUESTS)]
            slow = [asyncio.create_task(send_slowly(client, n)) for n in range(SLOW)]
            await a_quarter_answered.wait()
            routed.remove(ending_url)
            await asyncio.sleep(0.3)  # the pause before SIGTERM, for requests sent there already
            ending.send_signal(signal.SIGTERM)
            slow_in_flight = sum(not task.done() for task in slow)
            answers = await asyncio.gather(*load, *slow, return_exceptions=True)
            exit_code = await asyncio.to_thread(ending.wait, 30)
            still_served = await client.get(f"{other_url}/items/?limit=1")

    statuses = Counter(
        answer.status_code if isinstance(answer, httpx.Response) else repr(answer)
        for answer in answers
    )
    engine = create_engine(live_database)
    async with engine.connect() as connection:
        stored = await connection.scalar(
            select(func.count())
            .select_from(Item)
            .where(Item.name.startswith("load-") | Item.name.startswith("slow-"))
        )
    await engine.dispose()
    print(f"{slow_in_flight} slow requests in flight at SIGTERM; answers: {dict(statuses)}")

    assert slow_in_flight == SLOW
    assert statuses == {201: REQUESTS + SLOW}
    assert stored == REQUESTS + SLOW
    assert exit_code == -signal.SIGTERM  # drained, uvicorn ends by the signal it was sent
    assert still_served.status_code == 200
