"""Answers for errors that would otherwise leak input or turn into a 500."""

import logging
from typing import cast

from asgi_correlation_id import correlation_id
from fastapi import Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError

from app.core.config import get_settings
from app.db.session import unreachable
from app.middleware.request_id import REQUEST_ID_HEADER

# Seconds a client should wait before trying again when no database connection was free.
BUSY_RETRY_AFTER_SECONDS = 1

logger = logging.getLogger(__name__)


async def validation_error_without_input(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 response, less the rejected values: one of them may be a password."""
    errors = [
        {key: value for key, value in error.items() if key != "input"}
        for error in cast(RequestValidationError, exc).errors()
    ]
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={"detail": jsonable_encoder(errors)},
    )


def try_again_shortly(detail: str) -> JSONResponse:
    """503 with Retry-After: the client may retry; this is not a fault of the server's code."""
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content={"detail": detail},
        headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)},
    )


async def database_busy(request: Request, exc: Exception) -> JSONResponse:
    """503 when every pooled connection stayed in use for the whole pool timeout: an overload
    that passes."""
    return try_again_shortly("The service is busy: try again shortly.")


async def database_unreachable(request: Request, exc: Exception) -> JSONResponse:
    """503 when the database could not be reached or did not answer in time: no connection could
    be opened (the driver's OSError, or its refusal, which SQLAlchemy wraps without a statement),
    the connection was lost during a statement (the pool replaces it), a statement timed out
    (asyncpg's TimeoutError), or a lock was not granted in time (SQLite's "database is locked").
    Logged as one line that names the database and what went wrong. Any other database error
    stays a 500 with its traceback."""
    if isinstance(exc, DBAPIError) and exc.statement is not None and not _unavailable(exc):
        raise exc
    logger.warning(unreachable(get_settings().database_url, exc))
    return try_again_shortly("The database is unavailable: try again shortly.")


def _unavailable(error: DBAPIError) -> bool:
    return (
        error.connection_invalidated
        or isinstance(error.orig, TimeoutError)
        or "database is locked" in str(error.orig)
    )


async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    """500 for an unhandled exception, carrying the request id like every other answer; the
    server logs the traceback, once, with that id."""
    request_id = correlation_id.get()
    return JSONResponse(
        status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
        content={"detail": "Internal server error"},
        headers={REQUEST_ID_HEADER: request_id} if request_id else None,
    )
