"""Request ids, and one log line per request.

An incoming X-Request-ID is kept when it is a sane token (at most 64 of A-Z a-z 0-9 . _ -);
otherwise the request gets a new one. Either way it is echoed on the response and appears on every
log line written while the request is served (asgi-correlation-id, and the filter in
app/core/logging.py).
"""

import logging
import re

from starlette.types import Scope

from app.api.answer import Answer, ReportingMiddleware

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Health probes come every few seconds from every orchestrator: their successes are DEBUG lines.
PROBES = frozenset({"/health", "/health/ready"})

logger = logging.getLogger("app.access")


def is_sane_request_id(value: str) -> bool:
    return SANE_REQUEST_ID.fullmatch(value) is not None


class AccessLog(ReportingMiddleware):
    """Logs method, path (never the query string: it may hold a secret), status, duration and
    client address of every HTTP request, once it is answered or has failed: at INFO, or at DEBUG
    for a probe that succeeded."""

    def report(self, scope: Scope, answer: Answer) -> None:
        status = answer.status
        level = logging.DEBUG if scope["path"] in PROBES and status < 400 else logging.INFO
        if logger.isEnabledFor(level):
            duration_ms = round(answer.seconds() * 1000, 1)
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
