import json
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
import sentry_sdk
from httpx import ASGITransport, AsyncClient
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from app.core.config import get_settings
from app.main import create_app
from app.observability.sentry import options
from tests.api_client import app_with_a_failing_route
{%- if cookiecutter.background_jobs == "taskiq" %}
from tests.jobs.plugin import RunJobs
{%- endif %}

PASSWORD = "correct-horse-battery-staple"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.c2lnbmF0dXJl"


class Captured(Transport):
    """Keeps the events that the SDK would have sent."""

    events: ClassVar[list[dict[str, Any]]] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        for item in envelope.items:
            if item.type == "event" and item.payload.json is not None:
                self.events.append(item.payload.json)


@pytest.fixture
def sentry_events() -> Iterator[list[dict[str, Any]]]:
    settings = get_settings().model_copy(
        update={"sentry_dsn": "https://public@sentry.example.com/1", "release": "1.2.3"}
    )
    Captured.events = []
    sentry_sdk.init(**options(settings), transport=Captured)
    try:
        yield Captured.events
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init()  # no DSN: off again


async def test_an_unhandled_exception_is_one_event_with_the_request_id_and_no_secrets(
    sentry_events: list[dict[str, Any]],
) -> None:
    transport = ASGITransport(app=app_with_a_failing_route(), raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post(
            "/fails",
            json={"username": "alice", "password": PASSWORD},
            headers={"Authorization": f"Bearer {TOKEN}", "Cookie": f"session={TOKEN}"},
        )
    sentry_sdk.flush()

    assert response.status_code == 500
    assert not sentry_sdk.get_client().options["send_default_pii"]
    (event,) = sentry_events
    assert event["tags"]["request_id"] == response.headers["X-Request-ID"]
    assert event["environment"] == "test"
    assert event["release"] == "1.2.3"
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    sent = json.dumps(event)
    assert PASSWORD not in sent
    assert TOKEN not in sent


def test_sentry_starts_only_with_a_dsn(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[dict[str, Any]] = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **options: started.append(options))
    settings = get_settings()

    create_app(settings)
    create_app(settings.model_copy(update={"sentry_dsn": "https://public@sentry.example.com/1"}))

    assert [options["dsn"] for options in started] == ["https://public@sentry.example.com/1"]
    assert "send_default_pii" not in started[0]  # the SDK's default: off
{%- if cookiecutter.background_jobs == "taskiq" %}


async def test_a_job_that_fails_for_good_is_one_event(
    sentry_events: list[dict[str, Any]], failing_job: int, run_jobs: RunJobs
) -> None:
    for _ in range(get_settings().jobs_max_attempts):  # retried, each a warning, then failed
        await run_jobs()
    sentry_sdk.flush()

    (event,) = sentry_events
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert "failed for good" in event["logentry"]["message"]
{%- endif %}
