"""The application: its lifespan, its middleware and its routers."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import sqlalchemy.exc
from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware

{% if not cookiecutter.use_alembic -%}
from app import models
{% endif -%}
from app.api import errors, health
from app.api.access_log import REQUEST_ID_HEADER, AccessLog, is_sane_request_id
from app.api.docs import add_docs
from app.api.hosts import TrustedHosts
from app.api.rate_limit import get_rate_limiter
{%- if cookiecutter.auth == "jwt" %}
from app.auth import router as auth_router
from app.auth.deps import signed_in
{%- endif %}
from app.core.config import Settings, get_settings
from app.core.logging import configure_logging
from app.db.session import database_check, get_engine, get_sessionmaker, unreachable
from app.items import router as items_router
{%- if cookiecutter.use_metrics or cookiecutter.use_tracing or cookiecutter.use_sentry %}
from app.observability import {{ ["metrics" if cookiecutter.use_metrics, "sentry" if cookiecutter.use_sentry, "tracing" if cookiecutter.use_tracing] | select | join(", ") }}
{%- endif %}
from app.users import router as users_router

logger = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    configure_logging(settings)
    async with get_sessionmaker()() as session:
        error = await database_check(session, settings.readiness_timeout_seconds)
    if error is not None:
        # Served all the same: /health/ready answers 503 until the database answers.
        logger.warning(unreachable(settings.database_url, error))
    get_rate_limiter()  # a RATE_LIMIT_STORAGE_URI of an unknown kind stops the start
{%- if cookiecutter.use_alembic %}
    # The schema is the migrations' business (`alembic upgrade head`, run before the app starts).
{%- else %}
    async with get_engine().begin() as connection:
        await connection.run_sync(models.Base.metadata.create_all)
{%- endif %}
    # What start-up loaded lives as long as the process: out of the collector's full sweeps, which
    # would otherwise walk all of it, pausing every request for tens of ms, a few times a second.
    gc.freeze()
    yield
    await get_engine().dispose()


def create_app(settings: Settings) -> FastAPI:
    docs = settings.api_docs
    app = FastAPI(
        title=settings.project_name,
        lifespan=lifespan,
        max_body_size=settings.max_request_bytes,
        openapi_url="/openapi.json" if docs else None,
        docs_url=None,  # app.api.docs serves it, from the app's own assets
        redoc_url=None,
    )
    if docs:
        add_docs(app)
    # Middleware added last runs first: every request gets its id, then its log line, and then an
    # unknown Host is refused before anything else.
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    app.add_middleware(TrustedHosts, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(AccessLog)
    app.add_middleware(
        CorrelationIdMiddleware,
        header_name=REQUEST_ID_HEADER,
        validator=is_sane_request_id,
        update_request_header=False,  # the app reads the id from its context, not the headers
    )
    app.add_exception_handler(RequestValidationError, errors.validation_error_without_input)
    app.add_exception_handler(sqlalchemy.exc.TimeoutError, errors.database_busy)
    app.add_exception_handler(sqlalchemy.exc.DBAPIError, errors.database_unreachable)
    app.add_exception_handler(OSError, errors.database_unreachable)
    app.add_exception_handler(Exception, errors.internal_error)
    app.include_router(health.router)
{%- if cookiecutter.auth == "jwt" %}
    app.include_router(auth_router.router)
    app.include_router(users_router.directory, dependencies=signed_in)
{%- else %}
    app.include_router(users_router.directory)
{%- endif %}
    app.include_router(users_router.router)
    app.include_router(items_router.router)
{%- if cookiecutter.use_metrics %}
    metrics.instrument(app, settings)
{%- endif %}
{%- if cookiecutter.use_tracing %}
    tracing.instrument(app, settings)
{%- endif %}
{%- if cookiecutter.use_sentry %}
    sentry.instrument(app, settings)
{%- endif %}
    return app


app = create_app(get_settings())
