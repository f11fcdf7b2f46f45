"""Logging: one configuration for the app's loggers and uvicorn's, the request id on every line.

JSON lines (python-json-logger) outside local development, readable lines in it; `LOG_FORMAT` and
`LOG_LEVEL` override. uvicorn's own access log is silenced: `app/middleware/access_log.py` writes
one line per request with its duration and request id instead.
"""

import logging.config
import re

from pythonjsonlogger.core import RESERVED_ATTRS

from app.core.config import Settings

# Characters that could end a line or repaint a terminal (C0 and C1 controls, DEL, the Unicode
# line and paragraph separators), and how much of one value a line keeps.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MAX_VALUE_LENGTH = 1000
# What every LogRecord has; the rest are the `extra` fields of a line.
RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

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


def printable(value: str) -> str:
    """The value with its control characters escaped (\\x0a for a line feed) and cut to
    MAX_VALUE_LENGTH characters, saying how many went."""
    if len(value) > MAX_VALUE_LENGTH:
        value = f"{value[:MAX_VALUE_LENGTH]}... ({len(value) - MAX_VALUE_LENGTH} more characters)"
    return CONTROL.sub(_escaped, value)


def _escaped(control: re.Match[str]) -> str:
    code = ord(control[0])
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


class Printable(logging.Filter):
    """Makes every line safe to print, in either format: whatever a client sent (a path, a header)
    cannot end the line and start a forged one, colour a terminal, or fill the disk. The message
    and each `extra` text are escaped and cut; a traceback, written by the formatter, is not."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = printable(message), None
        for name, value in list(vars(record).items()):
            if isinstance(value, str) and name not in RECORD_ATTRIBUTES:
                setattr(record, name, printable(value))
        return True


def configure_logging(settings: Settings) -> None:
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {
                "request_id": {
                    "()": "asgi_correlation_id.CorrelationIdFilter",
                    "default_value": "-",
                },
                "printable": {"()": Printable},
            },
            "formatters": {"default": FORMATTERS[settings.log_format]},
            "handlers": {
                "default": {
                    "class": "logging.StreamHandler",
                    "stream": "ext://sys.stdout",
                    "formatter": "default",
                    "filters": ["request_id", "printable"],
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
