"""What a job carries from the request that enqueued it, and puts back while it runs: the
request's id, on every line that the job logs, and its trace context, so that the job's span is a
child of the request's."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from asgi_correlation_id import correlation_id

from app.observability import tracing


def request_context() -> dict[str, str]:
    """The current request's id, if any, and the current trace context (traceparent)."""
    request_id = correlation_id.get()
    carried = {} if request_id is None else {"request_id": request_id}
    return carried | tracing.carrier()


@contextmanager
def carried(name: str, context: Mapping[str, str]) -> Iterator[None]:
    """While the job (by this name) runs: the id of the request that enqueued it, and the job's
    span, a child of that request's."""
    request_id = context.get("request_id")
    token = correlation_id.set(request_id) if request_id else None
    try:
        with tracing.job_span(name, context):
            yield
    finally:
        if token is not None:
            correlation_id.reset(token)
