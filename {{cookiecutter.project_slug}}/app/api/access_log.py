"""Request ids, and one log line per request.

An incoming X-Request-ID is kept when it is a sane token (at most 64 of A-Z a-z 0-9 . _ -);
otherwise the request gets a new one. Either way it is echoed on the response and appears on every
log line written while the request is served (asgi-correlation-id, and the filter in
app/core/logging.py).
"""

import logging
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Health probes come every few seconds from every orchestrator: their successes are DEBUG lines.
PROBES = frozenset({"/health", "/health/ready"})

logger = logging.getLogger("app.access")


def is_sane_request_id(value: str) -> bool:
    return SANE_REQUEST_ID.fullmatch(value) is not None


class AccessLog:
    """Logs method, path (never the query string: it may hold a secret), status, duration and
    client address of every HTTP request, once it is answered or has failed: at INFO, or at DEBUG
    for a probe that succeeded."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless a response starts

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            level = logging.DEBUG if scope["path"] in PROBES and status < 400 else logging.INFO
            if logger.isEnabledFor(level):
                duration_ms = round((time.perf_counter() - started) * 1000, 1)
                client = scope.get("client")
                address = client[0] if client else "-"
                logger.log(
                    level,
                    "%s %s %d %.1f ms %s",
                    scope["method"],
                    scope["path"],
                    status,
                    duration_ms,
                    address,
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": duration_ms,
                        "client": address,
                    },
                )
