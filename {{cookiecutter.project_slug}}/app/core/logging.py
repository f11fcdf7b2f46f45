"""Logging: one configuration for the app's loggers and uvicorn's, the request id on every line.

JSON lines (python-json-logger) outside local development, readable lines in it; `LOG_FORMAT` and
`LOG_LEVEL` override. uvicorn's own access log is silenced: `app/api/access_log.py` writes one line
per request with its duration and request id instead.
"""

import logging.config

from pythonjsonlogger.core import RESERVED_ATTRS

from app.core.config import Settings

FORMATTERS = {
    "console": {
        "format": "%(asctime)s %(levelname)-8s %(name)s [%(correlation_id)s] %(message)s",
    },
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(levelname)s %(name)s %(correlation_id)s %(message)s",
        "timestamp": "time",  # ISO 8601, in UTC
        "rename_fields": {"levelname": "level", "correlation_id": "request_id"},
        # uvicorn adds a copy of some messages with terminal colours in them.
        "reserved_attrs": [*RESERVED_ATTRS, "color_message"],
    },
}


def configure_logging(settings: Settings) -> None:
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {
                "request_id": {
                    "()": "asgi_correlation_id.CorrelationIdFilter",
                    "default_value": "-",
                }
            },
            "formatters": {"default": FORMATTERS[settings.log_format]},
            "handlers": {
                "default": {
                    "class": "logging.StreamHandler",
                    "stream": "ext://sys.stdout",
                    "formatter": "default",
                    "filters": ["request_id"],
                }
            },
            "root": {"level": settings.log_level, "handlers": ["default"]},
            "loggers": {
                # uvicorn's loggers pass their lines to the root logger's handler.
                "uvicorn": {"handlers": [], "propagate": True},
                "uvicorn.error": {"handlers": [], "propagate": True},
                "uvicorn.access": {"handlers": [], "propagate": False},
                # httpx writes every outgoing URL, query string and all, at INFO; aiosqlite writes
                # every statement's parameters at DEBUG, from a thread that knows no request.
                "httpx": {"level": "WARNING"},
                "httpcore": {"level": "WARNING"},
                "aiosqlite": {"level": "INFO"},
                # SQLAlchemy's pool logs under its class's name; ours lives in app/db/pool.py.
                # At SQLAlchemy's own level: its warnings, not every disposal.
                "app.db.pool": {"level": "WARNING"},
            },
        }
    )
