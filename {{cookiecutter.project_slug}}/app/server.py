"""The production server: `python -m app.server`.

uvicorn with uvloop and httptools, on HOST and PORT; on SIGTERM it stops accepting connections,
lets requests in flight finish for up to GRACEFUL_SHUTDOWN_SECONDS, then runs the lifespan's end,
which disposes of the engine. uvicorn reads WEB_CONCURRENCY (worker processes) and
FORWARDED_ALLOW_IPS (the proxies whose X-Forwarded-For and -Proto it believes) itself.
"""

import uvicorn

import app.main  # noqa: F401  (first: a refused setting stops the start here, with one line)
from app.core.config import get_settings
from app.core.logging import configure_logging


def main() -> None:
    settings = get_settings()
    configure_logging(settings)  # for uvicorn's lines before the app's lifespan starts
    uvicorn.run(
        "app.main:app",
        host=settings.host,
        port=settings.port,
        proxy_headers=True,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
        log_config=None,  # the app's own (app/core/logging.py)
    )


if __name__ == "__main__":
    main()
