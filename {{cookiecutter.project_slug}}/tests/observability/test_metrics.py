import time
import uuid
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient, ConnectError
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from app.core.config import get_settings
from app.main import create_app
from tests import factories
from tests.api_client import request_every_operation
{%- if cookiecutter.background_jobs == "taskiq" %}
from tests.jobs.plugin import RunJobs
{%- endif %}
from tests.live_server import free_port, server_process
from tests.settings import fresh_settings

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(client: AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return parse(response.text)


def parse(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def requests_for(
    samples: Samples, route: str, status: str, name: str = "http_requests_total"
) -> float:
    labels = frozenset({"method": "GET", "route": route, "status": status}.items())
    return samples.get((name, labels), 0.0)


async def test_every_route_is_counted_under_its_full_template(async_client: AsyncClient) -> None:
    operations = await request_every_operation(async_client)
    samples = await scrape(async_client)

    counted = {
        (labels["method"], labels["route"])
        for (name, label_set), _ in samples.items()
        if name == "http_requests_total"
        for labels in [dict(label_set)]
    }
    assert set(operations) <= counted, set(operations) - counted


async def test_requests_are_counted_and_timed_under_their_route_template(
    async_client: AsyncClient, db_session: AsyncSession
) -> None:
    item = await factories.create_item(db_session)
    before = await scrape(async_client)

    assert (await async_client.get(f"/items/{item.id}")).status_code == 200
    assert (await async_client.get("/items/999999999")).status_code == 404
    after = await scrape(async_client)

    route = "/items/{item_id}"
    for status in ("200", "404"):
        assert requests_for(after, route, status) == requests_for(before, route, status) + 1
        count = "http_request_duration_seconds_count"
        assert (
            requests_for(after, route, status, count)
            == requests_for(before, route, status, count) + 1
        )
    assert not any(f"/items/{item.id}" in dict(labels).get("route", "") for _, labels in after)


async def test_unknown_paths_add_no_series(async_client: AsyncClient) -> None:
    await async_client.get("/no/such/path")
    await scrape(async_client)  # the scrape's own series, too, exist from here on
    before = await scrape(async_client)

    # A series per path would be a hundred new ones.
    for _ in range(100):
        await async_client.get(f"/{uuid.uuid4().hex}/{uuid.uuid4().hex}")
    after = await scrape(async_client)

    assert set(after) == set(before)
    assert requests_for(after, "unmatched", "404") == requests_for(before, "unmatched", "404") + 100


async def test_the_pool_gauges_count_connections_in_use(
    async_client: AsyncClient, engine: AsyncEngine
) -> None:
    other = create_async_engine(engine.url)
    before = await scrape(async_client)
    try:
        async with other.connect() as held:
            await held.get_raw_connection()
            during = await scrape(async_client)
        after = await scrape(async_client)
    finally:
        await other.dispose()

    in_use: tuple[str, frozenset[tuple[str, str]]] = ("db_pool_checked_out", frozenset())
    assert during[in_use] == before[in_use] + 1
    assert after[in_use] == before[in_use]
    assert during[("db_pool_connections", frozenset())] >= during[in_use]


async def test_with_a_metrics_port_the_metrics_leave_the_apps_listener() -> None:
    port = free_port()
    settings = get_settings().model_copy(update={"metrics_port": port, "host": "127.0.0.1"})
    served = create_app(settings)
    metrics_url = f"http://127.0.0.1:{port}/metrics"

    async with AsyncClient() as network:
        async with LifespanManager(served) as manager:
            transport = ASGITransport(app=manager.app)
            async with AsyncClient(transport=transport, base_url="http://test") as client:
                on_the_app = await client.get("/metrics")
            on_its_port = await network.get(metrics_url)
        with pytest.raises(ConnectError):
            await network.get(metrics_url)  # the listener stopped with the app

    assert on_the_app.status_code == 404
    assert on_its_port.status_code == 200
    assert "http_requests_total" in on_its_port.text


@pytest.mark.parametrize(
    ("values", "refusal"),
    [
        ({"web_concurrency": 2}, "must name an empty folder that the workers share"),
        ({"prometheus_multiproc_dir": "/no/such/folder"}, "/no/such/folder is not a folder"),
    ],
    ids=["several-workers", "no-folder"],
)
def test_metrics_that_would_count_wrong_are_refused(
    monkeypatch: pytest.MonkeyPatch, values: dict[str, object], refusal: str
) -> None:
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    if "prometheus_multiproc_dir" in values:
        monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(values["prometheus_multiproc_dir"]))

    with pytest.raises(ValidationError, match=refusal):
        fresh_settings(environment="production", **values)


def test_a_folder_for_the_workers_in_dotenv_alone_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # prometheus_client reads it from the environment alone: from .env it would never see it.
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)

    with pytest.raises(ValidationError, match="must be set in the environment, not in "):
        fresh_settings(prometheus_multiproc_dir=str(tmp_path))


@pytest.mark.live
def test_several_worker_processes_are_scraped_as_one(live_database: str, tmp_path: Path) -> None:
    """GET /health/ready, which nothing else asks for (the start-up waits on /health)."""
    settings = {"WEB_CONCURRENCY": "2", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    with server_process("app.server", live_database, settings) as (_, base_url):
        for _ in range(40):  # a connection each, so that both workers take some
            assert httpx.get(f"{base_url}/health/ready").status_code == 200
        # A worker counts a request as its answer ends, which another process may scrape first.
        deadline = time.monotonic() + 10
        while ready_requests(base_url) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        counted = [ready_requests(base_url) for _ in range(10)]

    assert counted == [40] * 10
    workers = {path.stem.rsplit("_", 1)[-1] for path in tmp_path.glob("counter_*.db")}
    assert len(workers) == 2


def ready_requests(base_url: str) -> float:
    return requests_for(parse(httpx.get(f"{base_url}/metrics").text), "/health/ready", "200")
{%- if cookiecutter.background_jobs == "taskiq" %}


async def test_jobs_are_counted_by_outcome_and_timed(
    async_client: AsyncClient, db_session: AsyncSession, run_jobs: RunJobs
) -> None:
    await factories.create_item(db_session)
    job = frozenset({"job": "app.items.jobs.item_created"}.items())
    done = job | {("outcome", "done")}
    before = await scrape(async_client)

    await run_jobs()

    after = await scrape(async_client)
    assert after[("jobs_total", done)] - before.get(("jobs_total", done), 0) == 1
    timed = ("job_duration_seconds_count", job)
    assert after[timed] - before.get(timed, 0) == 1
{%- endif %}
