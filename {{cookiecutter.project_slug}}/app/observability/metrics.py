"""Prometheus metrics: requests by method, route template and status, and the connection pool.

`GET /metrics` serves them, or, with METRICS_PORT set, a listener of their own on that port, so
that the public one need not. With several worker processes (WEB_CONCURRENCY > 1), set
PROMETHEUS_MULTIPROC_DIR to an empty folder that the workers share and that is emptied before
they start: each process writes its samples there and every scrape adds them up.
"""

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from typing import Any

from fastapi import APIRouter, Response
from fastapi.routing import iter_route_contexts
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from sqlalchemy import event
from sqlalchemy.pool import Pool
from starlette.types import Scope

from app.core.config import Settings, get_settings
from app.middleware.reporting import Answer

logger = logging.getLogger(__name__)

LABELS = ["method", "route", "status"]
REQUESTS = Counter("http_requests", "Requests answered.", LABELS)
DURATION = Histogram("http_request_duration_seconds", "Time to answer a request.", LABELS)
# livesum: with several processes, the sum over the processes alive.
POOL_CONNECTIONS = Gauge(
    "db_pool_connections", "Database connections open in the pool.", multiprocess_mode="livesum"
)
POOL_CHECKED_OUT = Gauge(
    "db_pool_checked_out", "Database connections in use.", multiprocess_mode="livesum"
)
{%- if cookiecutter.background_jobs == "taskiq" %}
# The worker's (app/jobs/runner.py): each run of a job by its outcome (done, retried, failed, or
# skipped: done before), and its time.
JOBS = Counter("jobs", "Jobs run, by outcome.", ["job", "outcome"])
JOB_DURATION = Histogram("job_duration_seconds", "Time to run a job.", ["job"])
{%- endif %}
# Requests that no route matched share one label value, so unknown paths add no series.
UNMATCHED = "unmatched"


class RequestCounter:
    """Counts and times every request under its route's template (`/items/{item_id}`): a reporter
    for app/middleware/reporting.py."""

    def __init__(self) -> None:
        # Each route's full template, by the route's id: the route in a request's scope holds
        # only its own part of the path when its router was included in another (`/{item_id}`
        # for `/items/{item_id}`).
        self.templates: dict[int, str] = {}

    def __call__(self, scope: Scope, answer: Answer) -> None:
        labels = (scope["method"], self.template(scope), str(answer.status))
        REQUESTS.labels(*labels).inc()
        DURATION.labels(*labels).observe(answer.seconds())

    def template(self, scope: Scope) -> str:
        route = scope.get("route")
        if route is None:
            return UNMATCHED
        if id(route) not in self.templates:  # the first request, or a route added since
            self.templates = {
                id(context.original_route): context.path_format
                for context in iter_route_contexts(scope["app"].routes)
                if context.path_format is not None
            }
        return self.templates.get(id(route), UNMATCHED)


def registry() -> CollectorRegistry:
    """This process's metrics, or, in multiprocess mode, every process's, added up."""
    if get_settings().prometheus_multiproc_dir is None:
        return REGISTRY
    combined = CollectorRegistry()
    multiprocess.MultiProcessCollector(combined)  # type: ignore[no-untyped-call]
    return combined


# GET /metrics, unless METRICS_PORT serves them elsewhere (app/main.py).
router = APIRouter()


@router.get("/metrics", include_in_schema=False)
async def serve_metrics() -> Response:
    return Response(generate_latest(registry()), media_type=CONTENT_TYPE_LATEST)


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[None]:
    """The metrics' part of the app's lifespan: the metrics served on their own port while the app
    runs, if one is set, and, in multiprocess mode, this process's live gauges taken out of the sums
    at its end."""
    listener = None
    if settings.metrics_port is not None:
        try:
            listener = start_http_server(
                settings.metrics_port, addr=settings.host, registry=registry()
            )
        except OSError:
            # Another worker process of this server holds the port; it serves them all.
            logger.info(
                "Metrics port %d is taken: another worker serves the metrics", settings.metrics_port
            )
    try:
        yield
    finally:
        if listener is not None:
            server, thread = listener
            server.shutdown()
            server.server_close()
            thread.join()
        if settings.prometheus_multiproc_dir is not None:
            multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


@cache
def count_pool_connections() -> None:
    """Keep the pool gauges for every engine's pool, from SQLAlchemy's pool events: call it before
    any connection is made, or the gauges would miss those made earlier."""

    def connected(*_: object) -> None:
        POOL_CONNECTIONS.inc()

    def closed(*_: object) -> None:
        POOL_CONNECTIONS.dec()

    def checked_out(_connection: object, record: Any, _proxy: object) -> None:
        record.info["checked_out"] = True
        POOL_CHECKED_OUT.inc()

    def checked_in(_connection: object, record: Any) -> None:
        # A connect that failed is checked in without having been checked out.
        if record.info.pop("checked_out", False):
            POOL_CHECKED_OUT.dec()

    event.listen(Pool, "connect", connected)
    event.listen(Pool, "close", closed)
    event.listen(Pool, "detach", closed)
    event.listen(Pool, "checkout", checked_out)
    event.listen(Pool, "checkin", checked_in)
