"""The application: its lifespan, the layers every request passes, and its routes."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import sqlalchemy.exc
from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware import Middleware

{% if not cookiecutter.use_alembic -%}
from app import models
{% endif -%}
{% if cookiecutter.auth == "jwt" -%}
{% if cookiecutter.background_jobs != "taskiq" -%}
from app.accounts import mailing
{% endif -%}
from app.accounts import router as accounts_router
from app.admin import router as admin_router
{% endif -%}
from app.api import errors, health
from app.api.docs import add_docs
{%- if cookiecutter.auth != "oidc" %}
from app.api.rate_limit import get_rate_limiter
{%- endif %}
{%- if cookiecutter.auth == "jwt" %}
from app.auth import router as auth_router
from app.auth.deps import signed_in
{%- elif cookiecutter.auth == "oidc" %}
from app.auth import provider
from app.auth.deps import signed_in
{%- endif %}
from app.core.config import Settings, get_settings
from app.core.logging import configure_logging
{%- if not cookiecutter.use_alembic %}
from app.db.engine import lock_the_schema
{%- endif %}
from app.db.session import database_check, get_engine, get_sessionmaker, unreachable
from app.items import router as items_router
from app.middleware.access_log import log_access
from app.middleware.hosts import TrustedHosts
from app.middleware.reporting import Reporting
from app.middleware.request_id import REQUEST_ID_HEADER, is_sane_request_id, new_request_id
{%- if cookiecutter.use_metrics or cookiecutter.use_tracing or cookiecutter.use_sentry %}
from app.observability import {{ ["metrics" if cookiecutter.use_metrics, "sentry" if cookiecutter.use_sentry, "tracing" if cookiecutter.use_tracing] | select | join(", ") }}
{%- endif %}
from app.users import router as users_router

logger = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start-up, then the parts that run while the app serves, each ended in reverse order."""
    settings: Settings = app.state.settings
    configure_logging(settings)
    async with get_sessionmaker()() as session:
        error = await database_check(session, settings.readiness_timeout_seconds)
    if error is not None:
        # Served all the same: /health/ready answers 503 until the database answers.
        logger.warning(unreachable(settings.database_url, error))
{%- if cookiecutter.auth != "oidc" %}
    get_rate_limiter()  # made now: a storage whose driver is missing stops the start
{%- endif %}
{%- if cookiecutter.use_alembic %}
    # The schema is the migrations' business (`alembic upgrade head`, run before the app starts).
{%- else %}
    async with get_engine().begin() as connection:  # one replica at a time: the others wait
        await connection.run_sync(lock_the_schema)
        await connection.run_sync(models.Base.metadata.create_all)
{%- endif %}
    async with AsyncExitStack() as running:
        running.push_async_callback(get_engine().dispose)
{%- if cookiecutter.auth == "oidc" %}
        running.push_async_callback(provider.forget_keys)
{%- endif %}
{%- if cookiecutter.auth == "jwt" and cookiecutter.background_jobs != "taskiq" %}
        running.push_async_callback(mailing.settle)  # the mails on their way, first
{%- endif %}
{%- if cookiecutter.use_metrics %}
        await running.enter_async_context(metrics.serving(settings))
{%- endif %}
        # What start-up loaded lives as long as the process: out of the collector's full sweeps,
        # which would otherwise walk all of it, pausing every request for tens of ms, a few times
        # a second.
        gc.freeze()
        yield


def middleware(settings: Settings) -> list[Middleware]:
    """The layers that every request passes, outermost first, inside Starlette's own (its error
    page outside them, its exception handlers and the routes inside)."""
    layers = [
        # Every request gets its id first, so that every line written about it carries it.
        Middleware(
            CorrelationIdMiddleware,
            header_name=REQUEST_ID_HEADER,
            validator=is_sane_request_id,
            generator=new_request_id,
            update_request_header=False,  # the app reads the id from its context, not the headers
        ),
        # Once it is answered, or has failed: its access line, and its count and time where the
        # project has metrics.
        Middleware(
            Reporting,
            reporters=[
                log_access,
{%- if cookiecutter.use_metrics %}
                metrics.RequestCounter(),
{%- endif %}
            ],
        ),
        # An unknown Host is refused before anything else reads the request.
        Middleware(TrustedHosts, allowed_hosts=settings.allowed_hosts),
    ]
    if settings.cors_origins:
        layers.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["*"],
                allow_headers=["*"],
            )
        )
    return layers


def create_app(settings: Settings) -> FastAPI:
    docs = settings.api_docs
    app = FastAPI(
        title=settings.project_name,
        lifespan=lifespan,
        middleware=middleware(settings),
        max_body_size=settings.max_request_bytes,
        openapi_url="/openapi.json" if docs else None,
        docs_url=None,  # app.api.docs serves it, from the app's own assets
        redoc_url=None,
{%- if cookiecutter.auth == "oidc" %}
        swagger_ui_init_oauth=provider.docs_sign_in(settings),
{%- endif %}
    )
    app.state.settings = settings
    app.add_exception_handler(RequestValidationError, errors.validation_error_without_input)
    app.add_exception_handler(sqlalchemy.exc.TimeoutError, errors.database_busy)
    app.add_exception_handler(sqlalchemy.exc.DBAPIError, errors.database_unreachable)
    app.add_exception_handler(OSError, errors.database_unreachable)
    app.add_exception_handler(Exception, errors.internal_error)
    if docs:
        add_docs(app)
    app.include_router(health.router)
{%- if cookiecutter.auth == "jwt" %}
    app.include_router(auth_router.router)
    app.include_router(accounts_router.router)
    app.include_router(admin_router.router)
    app.include_router(users_router.directory, dependencies=signed_in)
{%- elif cookiecutter.auth == "oidc" %}
    app.include_router(users_router.directory, dependencies=signed_in)
    app.include_router(users_router.admin)
{%- else %}
    app.include_router(users_router.router)
    app.include_router(users_router.directory)
{%- endif %}
    app.include_router(items_router.router)
{%- if cookiecutter.use_metrics %}
    metrics.count_pool_connections()  # from here on, before the first connection
    if settings.metrics_port is None:  # else a listener of their own serves them (the lifespan)
        app.include_router(metrics.router)
{%- endif %}
{%- if cookiecutter.use_tracing %}
    tracing.instrument(app)
{%- endif %}
{%- if cookiecutter.use_sentry %}
    sentry.start(settings)
{%- endif %}
    return app


app = create_app(get_settings())
