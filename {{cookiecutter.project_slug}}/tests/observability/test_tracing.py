import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from httpx import AsyncClient
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.main import app
from app.middleware.access_log import PROBES
from app.observability.tracing import exporter, tracer_provider
from tests import factories
from tests.api_client import request_every_operation
{%- if cookiecutter.background_jobs == "taskiq" %}
from tests.jobs.plugin import RunJobs
{%- endif %}


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """The spans that the app ends during the test."""
    kept = InMemorySpanExporter()
    tracer_provider().add_span_processor(SimpleSpanProcessor(kept))
    yield kept
    kept.shutdown()  # and the processor drops whatever comes after


async def test_a_request_is_a_server_span_with_its_sql_statements_as_children(
    async_client: AsyncClient,
    db_session: AsyncSession,
    spans: InMemorySpanExporter,
    log_lines: Callable[[], list[dict[str, object]]],
) -> None:
    item = await factories.create_item(db_session)
    db_session.expunge_all()  # so that reading it is a SELECT, not a look-up in the session
    spans.clear()

    response = await async_client.get(f"/items/{item.id}")

    assert response.status_code == 200
    finished = spans.get_finished_spans()
    (server,) = [span for span in finished if span.kind is SpanKind.SERVER]
    assert server.name == "GET /items/{item_id}"
    assert server.attributes is not None
    status = server.attributes.get(
        "http.response.status_code", server.attributes.get("http.status_code")
    )
    assert status == 200
    children = [
        span for span in finished if span.parent and span.parent.span_id == server.context.span_id
    ]
    assert any(span.name.upper().startswith("SELECT") for span in children), [
        s.name for s in finished
    ]
    # The statements, and no span of their own for the ASGI messages (`http send`, `http receive`)
    assert {span.kind for span in children} == {SpanKind.CLIENT}, [s.name for s in children]
    trace_id = format(server.context.trace_id, "032x")
    access = [line for line in log_lines() if line.get("name") == "app.access"]
    assert [line["otelTraceID"] for line in access] == [trace_id]


async def test_every_route_is_a_span_named_by_its_full_template(
    async_client: AsyncClient, spans: InMemorySpanExporter
) -> None:
    operations = await request_every_operation(async_client)

    named = {span.name for span in spans.get_finished_spans() if span.kind is SpanKind.SERVER}
    # Spans name a route as Starlette writes it, convertors included (`/users/{user_id:int}`).
    paths = {route.path_format: route.path for route in iter_route_contexts(app.routes)}
    traced = {
        f"{method} {paths[template]}" for method, template in operations if template not in PROBES
    }
    assert traced <= named, named


async def test_an_outgoing_httpx_call_is_a_client_span(spans: InMemorySpanExporter) -> None:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    upstream = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = upstream.sockets[0].getsockname()[1]
    async with upstream, httpx.AsyncClient() as client:
        response = await client.get(f"http://127.0.0.1:{port}/ping")

    assert response.status_code == 204
    (call,) = [span for span in spans.get_finished_spans() if span.kind is SpanKind.CLIENT]
    assert call.attributes is not None
    url = call.attributes.get("url.full", call.attributes.get("http.url"))
    assert url == f"http://127.0.0.1:{port}/ping"


async def test_probes_are_not_traced(
    async_client: AsyncClient, spans: InMemorySpanExporter
) -> None:
    assert (await async_client.get("/health")).status_code == 200

    assert spans.get_finished_spans() == ()


def test_nothing_is_exported_without_an_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    without = exporter(Settings())
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:4318/v1/traces")
    with_one = exporter(Settings())

    assert without is None
    assert isinstance(with_one, OTLPSpanExporter)


def test_an_endpoint_in_dotenv_alone_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The exporter reads the environment alone: from .env, the traces would never leave.
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    dotenv = tmp_path / ".env"
    dotenv.write_text("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318\n")

    with pytest.raises(ValidationError, match="must be set in the environment, not in "):
        Settings(_env_file=dotenv)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    assert Settings(_env_file=dotenv).otel_exporter_otlp_endpoint == "http://127.0.0.1:4318"
{%- if cookiecutter.background_jobs == "taskiq" %}


async def test_a_job_s_span_is_a_child_of_the_request_that_enqueued_it(
    async_client: AsyncClient, spans: InMemorySpanExporter, run_jobs: RunJobs
) -> None:
    response = await async_client.post("/items/", json={"name": "Lamp", "price": 1})
    assert response.status_code == 201

    await run_jobs()

    finished = spans.get_finished_spans()
    (server,) = [span for span in finished if span.name == "POST /items/"]
    (job,) = [span for span in finished if span.name == "job app.items.jobs.item_created"]
    assert job.kind is SpanKind.CONSUMER
    assert job.parent is not None
    assert (job.context.trace_id, job.parent.span_id) == (
        server.context.trace_id,
        server.context.span_id,
    )
{%- endif %}
