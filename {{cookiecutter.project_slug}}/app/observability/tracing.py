"""OpenTelemetry traces: a server span per request, with a child span per SQL statement and per
outgoing httpx call, exported over OTLP.

The standard variables configure it: OTEL_EXPORTER_OTLP_ENDPOINT (or
OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) turns the export on, and nothing leaves the process without
one; OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES name the service. Every log line made while a
span is current carries its ids: otelTraceID and otelSpanID.
"""

{% if cookiecutter.background_jobs == "taskiq" -%}
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
{% endif -%}
from functools import cache

from fastapi import FastAPI
from opentelemetry import {{ "propagate, trace" if cookiecutter.background_jobs == "taskiq" else "trace" }}
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.logging import LoggingInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

from app.core.config import Settings, get_settings

# Probes and scrapes come every few seconds and say nothing about the requests that matter.
UNTRACED_PATHS = "/health$,/health/ready$,/metrics$"


def instrument(app: FastAPI) -> None:
    """A span per request, around every layer of the app's: outermost, as FastAPI's
    instrumentation wraps the whole stack. Not one more for each ASGI message that passes
    (`http send`, `http receive`): they time nothing a reader needs, and cost 5% of the requests
    a process serves."""
    _instrument_libraries()
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=tracer_provider(),
        excluded_urls=UNTRACED_PATHS,
        exclude_spans=["receive", "send"],
    )


@cache
def tracer_provider() -> TracerProvider:
    """The process's tracer provider (one, like its settings), made global. It exports when an
    endpoint is set, and never from the tests."""
    settings = get_settings()
    resource = Resource.create(
        {SERVICE_NAME: settings.project_name, "deployment.environment.name": settings.environment}
    )
    provider = TracerProvider(resource=resource)
    exporting = exporter(settings)
    if exporting is not None and settings.environment != "test":
        provider.add_span_processor(BatchSpanProcessor(exporting))
    trace.set_tracer_provider(provider)
    return provider


def exporter(settings: Settings) -> SpanExporter | None:
    """OTLP over HTTP to the endpoint that the OTEL_* variables name, or None without one. The
    exporter reads them from the environment, where the settings have checked they are."""
    if settings.otel_exporter_otlp_endpoint or settings.otel_exporter_otlp_traces_endpoint:
        return OTLPSpanExporter()
    return None


@cache
def _instrument_libraries() -> None:
    provider = tracer_provider()
    # Wraps SQLAlchemy's engine constructors, so every engine made from now on is traced: the
    # app's engine is made on first use (app/db/session.py), after this. The instrumentation
    # declares SQLAlchemy below 2.1; the events it listens to are the same in 2.1, and
    # tests/observability/test_tracing.py sees its spans.
    SQLAlchemyInstrumentor().instrument(tracer_provider=provider, skip_dep_check=True)
    HTTPXClientInstrumentor().instrument(tracer_provider=provider)
    # The ids go into the log records; the lines themselves stay with app/core/logging.py.
    LoggingInstrumentor().instrument(
        tracer_provider=provider,
        inject_trace_context=True,
        enable_log_auto_instrumentation=False,
    )
{%- if cookiecutter.background_jobs == "taskiq" %}


def carrier() -> dict[str, str]:
    """The current trace context, as the headers that carry it (traceparent), for a job."""
    headers: dict[str, str] = {}
    propagate.inject(headers)
    return headers


@contextmanager
def job_span(name: str, carried: Mapping[str, str]) -> Iterator[None]:
    """A span for a job's run, a child of the span that enqueued it."""
    tracer = tracer_provider().get_tracer(__name__)
    with tracer.start_as_current_span(
        f"job {name}", context=propagate.extract(carried), kind=trace.SpanKind.CONSUMER
    ):
        yield


def instrument_jobs() -> None:
    """The worker's traces: its SQL, its outgoing httpx calls and its log records' ids, as the
    app's; each job its own span (app/jobs/runner.py)."""
    _instrument_libraries()
{%- endif %}
