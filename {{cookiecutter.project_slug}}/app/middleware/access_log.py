"""One log line per request: method, path (never the query string: it may hold a secret), status,
duration and client address, at INFO, or at DEBUG for a probe that succeeded. The request id is on
it, as on every line (app/core/logging.py)."""

import logging

from starlette.types import Scope

from app.middleware.reporting import Answer

# Health probes come every few seconds from every orchestrator: their successes are DEBUG lines.
PROBES = frozenset({"/health", "/health/ready"})

logger = logging.getLogger("app.access")


def log_access(scope: Scope, answer: Answer) -> None:
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
