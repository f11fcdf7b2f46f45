"""Errors to Sentry, through the SDK's FastAPI integration: on when SENTRY_DSN is set.

Each event carries the environment and release from the settings and the request id as a tag.
No personal data is sent (the SDK's `send_default_pii` stays off: no cookies, no `Authorization`
header, no client address), nor the frames' local variables, and its scrubber replaces values
under keys such as `password` and `token` at any depth in what remains, request bodies included.
"""

from typing import Any

import sentry_sdk
from asgi_correlation_id import correlation_id
from sentry_sdk.scrubber import EventScrubber

from app.core.config import Settings


def start(settings: Settings) -> None:
    """Start the SDK, if a DSN is set. It finds FastAPI and instruments every app by itself."""
    if settings.sentry_dsn is not None:
        sentry_sdk.init(**options(settings))


def options(settings: Settings) -> dict[str, Any]:
    return {
        "dsn": settings.sentry_dsn,
        "environment": settings.environment,
        "release": settings.release,
        # A frame's local variables hold what the request carried, passwords included, in forms
        # no scrubber knows (raw bodies): none are sent.
        "include_local_variables": False,
        # Values under sensitive keys are replaced at any depth, not only at the top.
        "event_scrubber": EventScrubber(recursive=True),
        "before_send": tag_request_id,
    }


def tag_request_id(event: Any, _hint: Any) -> Any:
    request_id = correlation_id.get()
    if request_id is not None:
        event.setdefault("tags", {})["request_id"] = request_id
    return event
