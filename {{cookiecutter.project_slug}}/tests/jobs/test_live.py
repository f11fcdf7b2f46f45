"""Jobs on a real Redis server, run by the worker as a real process: delivered after the commit,
run again after a killed worker, finished on SIGTERM, retried into the dead letters, sent once per
tick by two schedulers, kept while Redis is down, and run once through either of two servers."""

import asyncio
import re
import signal
from collections import Counter
from pathlib import Path

import httpx
import pytest
from redis import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from app.items.jobs import item_created
from app.jobs import broker, outbox
from app.jobs.broker import QUEUE
from app.worker import BROKER_SHUTDOWN_SECONDS
from tests import factories
from tests.clients import live_admin_headers
from tests.jobs import work
from tests.jobs.live import FAST_JOBS, Database, RedisServer, alive, none_left, started, until
from tests.live_server import live_server, server_process
from tests.processes import PythonProcess

pytestmark = pytest.mark.live


async def new_item(database: Database, price: float) -> int:
    """An item, and its own job (item_created), waiting to be relayed."""
    async with AsyncSession(database.engine, expire_on_commit=False) as session:
        item = await factories.create_item(session, price=price)
        return item.id


async def held_job(database: Database, folder: Path) -> tuple[int, int, Path]:
    """An item priced 10, and a job, due now, that adds 1 to its price and then holds until the
    file it names (in the folder) is deleted: the item's id, the job's id and that file."""
    item_id = await new_item(database, price=10)
    hold = folder / "hold"
    hold.touch()
    job_id = await database.store_job(work.add_to_price_when_let_go, item_id, 1, str(folder))
    return item_id, job_id, hold


async def test_a_job_is_sent_by_its_commit_and_never_by_a_rollback(
    live_database: str,
    redis_server: RedisServer,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No scheduler runs, so no relay: what runs was sent by the commit itself."""
    item_id = await new_item(database, price=10)  # its own job stays unsent, as the tests have it
    queue = broker.Queue(redis_server.url, queue_name=QUEUE)
    monkeypatch.setattr(outbox, "send", broker.send)  # to this test's Redis server
    monkeypatch.setattr(broker, "get_broker", lambda: queue)

    with started("tests.jobs.worker", live_database, redis_server):
        async with AsyncSession(database.engine) as session:
            work.add_to_price.enqueue(session, item_id, 100)
            await session.flush()
            await session.rollback()
            work.add_to_price.enqueue(session, item_id, 1)
            await session.commit()
        waited = await until(lambda: priced(database, item_id, 11), "the committed job ran")
    await queue.shutdown()

    print(f"the committed job ran {waited:.1f} s after its commit")
    assert await database.price(item_id) == 11  # not 111: the rolled-back job never ran
    assert await database.jobs_left() == 1  # the item's own, never sent
    with redis_server.client() as client:
        assert client.llen(QUEUE) == 0


async def test_a_long_job_runs_once_and_a_killed_worker_s_job_runs_again_within_heartbeats(
    live_database: str, redis_server: RedisServer, database: Database, tmp_path: Path
) -> None:
    """With production's lease for unstarted jobs (300 s): what brings a killed worker's job back
    is its heartbeats stopping, and what keeps a long one from a second worker is them going on."""
    item_id, job_id, hold = await held_job(database, tmp_path)
    settings = {"JOBS_LEASE_SECONDS": "300"}
    beats = float(FAST_JOBS["JOBS_HEARTBEAT_SECONDS"])

    with (
        started("tests.jobs.worker", live_database, redis_server, settings) as one,
        started("tests.jobs.worker", live_database, redis_server, settings) as other,
        started("app.scheduler", live_database, redis_server, settings),
    ):
        await until(lambda: starts(tmp_path, 1), "the job started")
        await asyncio.sleep(beats * 10)  # a live worker's job, for three times its stale window
        held = len(list(tmp_path.glob("started-*")))
        (first,) = tmp_path.glob("started-*")
        workers = {one.pid: one, other.pid: other}
        workers[int(first.name.removeprefix("started-"))].kill()  # SIGKILL, mid-job
        again = await until(lambda: starts(tmp_path, 2), "the job started again after the kill")
        hold.unlink()
        await until(lambda: done(database, job_id), "the job was done after the kill")

    runs = sorted(path.name for path in tmp_path.glob("started-*"))
    print(f"the job ran in {runs}; started again {again:.1f} s after the kill ({beats} s beats)")
    assert held == 1  # held for 10 heartbeats, by one worker
    assert len(runs) == 2  # in the killed worker, then in the other
    assert await database.price(item_id) == 11


async def test_a_job_that_kills_its_worker_fails_for_good_and_holds_back_no_other(
    live_database: str, redis_server: RedisServer, database: Database
) -> None:
    """Each worker it kills is started again, as an orchestrator would, until the job is failed.
    A worker runs one job at a time: the other job is never in hand when one dies."""
    item_id = await new_item(database, price=10)
    killer = await database.store_job(work.kills_its_worker)
    fine = await database.store_job(work.add_to_price, item_id, 1)
    attempts = 2  # each a worker started and killed
    settings = {"JOBS_CONCURRENCY": "1", "JOBS_MAX_ATTEMPTS": str(attempts)}
    deaths = 0

    with started("app.scheduler", live_database, redis_server, settings):
        while deaths <= attempts:  # one more would be a job killing workers for ever
            with started("tests.jobs.worker", live_database, redis_server, settings) as worker:
                await until(
                    lambda: ended_or_failed(worker, database, killer),
                    "the worker died, or the job failed for good",
                )
                if worker.poll() is None:  # failed for good: this worker lives on
                    await until(lambda: done(database, fine), "the other job was done")
                    break
                deaths += 1

    job = await database.job(killer)
    assert job is not None
    print(f"{deaths} workers died; attempts: {job.attempts}, error: {job.error}")
    assert deaths == attempts
    assert job.failed_at is not None
    assert job.error == f"attempt {attempts}: its worker stopped before it ended"
    assert await database.price(item_id) == 11


async def test_sigterm_lets_the_job_in_hand_finish(
    live_database: str, redis_server: RedisServer, database: Database, tmp_path: Path
) -> None:
    item_id, job_id, hold = await held_job(database, tmp_path)

    with (
        started("app.scheduler", live_database, redis_server),
        started("tests.jobs.worker", live_database, redis_server) as worker,
    ):
        await until(lambda: starts(tmp_path, 1), "the job started")
        worker.send_signal(signal.SIGTERM)
        # Longer than the worker gives anything but the jobs in hand (BROKER_SHUTDOWN_SECONDS).
        await asyncio.sleep(BROKER_SHUTDOWN_SECONDS + 1)
        assert worker.poll() is None, worker.output()
        hold.unlink()
        exit_code = await asyncio.to_thread(worker.wait, 60)

    assert exit_code == 0, worker.output()
    assert await database.job(job_id) is None
    assert await database.price(item_id) == 11
    assert len(list(tmp_path.glob("started-*"))) == 1


async def test_sigterm_names_a_job_that_outlasts_the_drain_which_then_runs_again(
    live_database: str, redis_server: RedisServer, database: Database, tmp_path: Path
) -> None:
    item_id, job_id, hold = await held_job(database, tmp_path)
    drain = {"GRACEFUL_SHUTDOWN_SECONDS": "1"}

    with started("app.scheduler", live_database, redis_server):
        with started("tests.jobs.worker", live_database, redis_server, drain) as worker:
            await until(lambda: starts(tmp_path, 1), "the job started")
            worker.send_signal(signal.SIGTERM)
            exit_code = await asyncio.to_thread(worker.wait, 60)
        hold.unlink()
        with started("tests.jobs.worker", live_database, redis_server):
            await until(lambda: done(database, job_id), "the job was done by the next worker")

    said = [line for line in worker.output().splitlines() if "cut short" in line]
    print(said)
    assert exit_code == 0, worker.output()
    assert len(said) == 1, worker.output()
    assert f"({job_id}) was cut short by its worker's shutdown" in said[0]
    assert "Traceback" not in worker.output()
    assert await database.price(item_id) == 11  # its first run's writes were never committed


async def test_a_failing_job_is_retried_then_kept_as_failed_and_blocks_no_other(
    live_database: str, redis_server: RedisServer, database: Database
) -> None:
    item_id = await new_item(database, price=10)
    failing = await database.store_job(work.fails, "poison")
    with redis_server.client() as client:
        client.lpush(QUEUE, b"not a message")  # a message no worker can read
    fine = await database.store_job(work.add_to_price, item_id, 1)

    with (
        started("tests.jobs.worker", live_database, redis_server) as worker,
        started("app.scheduler", live_database, redis_server),
    ):
        await until(lambda: done(database, fine), "the job after the poison ones was done")
        await until(lambda: failed(database, failing), "the failing job was kept as failed")

    job = await database.job(failing)
    assert job is not None
    print(f"attempts: {job.attempts}, error: {job.error}")
    assert (job.attempts, job.error) == (3, "RuntimeError: poison")
    assert await database.price(item_id) == 11
    errors = [line for line in worker.output().splitlines() if " ERROR " in line]
    assert len(errors) == 1, worker.output()
    assert "failed for good after 3 attempts" in errors[0]


async def test_two_schedulers_send_each_tick_once(
    live_database: str, redis_server: RedisServer
) -> None:
    """No worker runs: the relay's messages stay in the queue, one per tick (a second, here)."""
    with (
        redis_server.client() as client,
        started("app.scheduler", live_database, redis_server),
        started("app.scheduler", live_database, redis_server),
    ):
        await until(lambda: queued(client, 1), "the first tick was sent")
        first_tick = asyncio.get_running_loop().time()
        await asyncio.sleep(5)
        sent = client.llen(QUEUE)
        seconds = asyncio.get_running_loop().time() - first_tick

    print(f"{sent} relay messages over {seconds:.1f} s of ticks, from two schedulers")
    # One per tick: at most one per second begun since the first; two schedulers sending each
    # would make twice as many.
    assert 2 <= sent <= int(seconds) + 2


async def test_jobs_enqueued_while_redis_is_down_are_answered_and_run_once_it_is_back(
    live_database: str,
    redis_server: RedisServer,
    database: Database,
) -> None:
    settings = {"JOBS_BROKER_URL": redis_server.url, "JOBS_LEASE_SECONDS": "300"}
    with (
        server_process("tests.live_server", live_database, settings) as (server, base_url),
        started("tests.jobs.worker", live_database, redis_server) as worker,
        started("app.scheduler", live_database, redis_server) as scheduler,
    ):
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            client.headers.update(await live_admin_headers(client, live_database))
            redis_server.stop()
            statuses = [
                (await client.post("/items/", json={"name": f"Lamp {n}", "price": 1})).status_code
                for n in range(20)
            ]
            # The items' jobs: the admin's sign-up may have a mail's job, sent before the outage
            # and lost with Redis's memory, which waits for its lease.
            left_while_down = await database.jobs_left(item_created)
            redis_server.start()
            waited = await until(
                lambda: none_left(database, item_created), "every item's job was run"
            )

    # One warning from each process, when the outage began (the worker and the scheduler may miss
    # it between two looks), none per request, and no traceback.
    said_by_server = server.output()
    print(
        f"statuses while Redis was down: {dict(Counter(statuses))}; {left_while_down} jobs "
        f"waited, all run {waited:.1f} s after Redis was back; the server warned "
        f"{said_by_server.count('The jobs broker failed')} time(s)"
    )
    assert statuses == [201] * 20
    assert left_while_down == 20
    for said in [said_by_server, worker.output(), scheduler.output()]:
        assert "Traceback" not in said, said
        assert said.count("The jobs broker failed") <= 1, said
    assert said_by_server.count("The jobs broker failed") == 1, said_by_server


async def test_jobs_enqueued_through_either_of_two_servers_run_once(
    live_database: str, redis_server: RedisServer, database: Database
) -> None:
    settings = {"JOBS_BROKER_URL": redis_server.url}
    with (
        live_server(live_database, settings) as first,
        live_server(live_database, settings) as second,
        started("tests.jobs.worker", live_database, redis_server) as worker,
        started("tests.jobs.worker", live_database, redis_server) as other_worker,
    ):
        # Both take jobs from the start: the first to be up could otherwise run every one.
        await until(lambda: alive(worker, other_worker), "both workers started")
        async with httpx.AsyncClient(timeout=30) as client:
            async with httpx.AsyncClient(base_url=first, timeout=30) as signing_in:
                client.headers.update(await live_admin_headers(signing_in, live_database))
            created = [
                await client.post(f"{server}/items/", json={"name": f"Lamp {n}", "price": 1})
                for n, server in enumerate([first, second] * 5)
            ]
            await until(lambda: none_left(database), "every job was run")

            async def all_said() -> bool:  # a worker writes its line once the job's commit is in
                return len(item_runs(worker, other_worker)) == 10

            await until(all_said, "every job's worker said so")
        said = worker.output() + other_worker.output()
    runs = item_runs(worker, other_worker)

    assert [response.status_code for response in created] == [201] * 10
    assert len(runs) == 10, said  # one job for each item, whichever server stored it
    assert set(runs.values()) == {1}, runs  # each run by one worker, once


def item_runs(*workers: PythonProcess) -> Counter[str]:
    """How often the workers said that they ran each item's job, by the job's id."""
    said = "".join(worker.output() for worker in workers)
    return Counter(re.findall(r"Job app\.items\.jobs\.item_created \((\d+)\): done", said))


async def ended_or_failed(process: PythonProcess, database: Database, job_id: int) -> bool:
    return process.poll() is not None or await failed(database, job_id)


async def starts(folder: Path, count: int) -> bool:
    return len(list(folder.glob("started-*"))) >= count


async def done(database: Database, job_id: int) -> bool:
    return await database.job(job_id) is None


async def failed(database: Database, job_id: int) -> bool:
    job = await database.job(job_id)
    return job is not None and job.failed_at is not None


async def priced(database: Database, item_id: int, price: float) -> bool:
    return await database.price(item_id) == price


async def queued(client: Redis, count: int) -> bool:
    return client.llen(QUEUE) >= count
