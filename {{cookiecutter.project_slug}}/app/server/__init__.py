"""The production server: `python -m app.server`.

uvicorn with uvloop and httptools (with bounds on heads and slow clients: protocol.py, beside this),
on HOST and PORT, with WEB_CONCURRENCY worker processes; on SIGTERM it stops accepting connections,
lets requests in flight finish for up to GRACEFUL_SHUTDOWN_SECONDS, then runs the lifespan's end,
which disposes of the engine. The X-Forwarded-For and -Proto headers count only from the proxies
in FORWARDED_ALLOW_IPS.
"""

import logging
{%- if cookiecutter.auth != "oidc" %}
from urllib.parse import urlsplit
{%- endif %}

import uvicorn
from sqlalchemy.engine import make_url

import app.main  # noqa: F401  (first: a refused setting stops the start here, with one line)
from app.core.config import Settings, get_settings, loopback
from app.core.environment import DEVELOPMENT
from app.core.logging import configure_logging

logger = logging.getLogger(__name__)


def main() -> None:
    settings = get_settings()
    configure_logging(settings)  # for uvicorn's lines before the app's lifespan starts
    level, line = start_line(settings)
    logger.log(level, line)
    uvicorn.run(
        "app.main:app",
        host=settings.host,
        port=settings.port,
        workers=settings.web_concurrency,
        timeout_worker_healthcheck=settings.worker_timeout_seconds,
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
        http="app.server.protocol:BoundedHttpToolsProtocol",  # httptools, with bounds
        log_config=None,  # the app's own (app/core/logging.py)
    )


def start_line(settings: Settings) -> tuple[int, str]:
    """The server's first log line: what it serves and how, never a secret; a WARNING when a
    setting that suits a developer's machine reaches beyond it."""
    database = make_url(settings.database_url)
    facts = [
        f"environment {settings.environment}",
        f"{settings.web_concurrency} worker(s)",
        f"docs {'on' if settings.api_docs else 'off'}",
    ]
    warnings = []
    if settings.environment in DEVELOPMENT and not loopback(settings.host):
        warnings.append(
            f"listening beyond this machine ({settings.host}) in local development, with the "
            "docs served and any Host answered: set ENVIRONMENT=production to deploy"
        )
{%- if cookiecutter.auth != "oidc" %}
    storage = urlsplit(settings.rate_limit_storage_uri)
    port = f":{storage.port}" if storage.port else ""
    facts.append(f"rate limits in {storage.scheme}://{storage.hostname or ''}{port}")
    if settings.web_concurrency > 1 and storage.scheme == "memory":
        warnings.append(
            f"each of the {settings.web_concurrency} workers counts the rate limits on its own"
        )
{%- endif %}
    facts.append(f"database {database.host or database.database}")
    serving = f"Serving {settings.project_name} on {settings.host}:{settings.port}"
    line = f"{serving}: {', '.join(facts)}"
    if warnings:
        return logging.WARNING, f"{line}; " + "; ".join(warnings)
    return logging.INFO, line
