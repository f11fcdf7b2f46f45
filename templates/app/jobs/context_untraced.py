"""What a job carries from the request that enqueued it, and puts back while it runs: the
request's id, on every line that the job logs."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from asgi_correlation_id import correlation_id


def request_context() -> dict[str, str]:
    """The current request's id, if any."""
    request_id = correlation_id.get()
    return {} if request_id is None else {"request_id": request_id}


@contextmanager
def carried(name: str, context: Mapping[str, str]) -> Iterator[None]:
    """While the job (by this name) runs: the id of the request that enqueued it."""
    request_id = context.get("request_id")
    token = correlation_id.set(request_id) if request_id else None
    try:
        yield
    finally:
        if token is not None:
            correlation_id.reset(token)
