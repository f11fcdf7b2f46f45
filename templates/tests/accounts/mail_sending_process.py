"""Account mails sent by the API process: tried again while the server refuses them, one error
when they could not be sent, and a shutdown that waits for them no longer than the SMTP timeout."""

import asyncio
import signal
import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from httpx import AsyncClient

from app.accounts import mailing
from app.core.config import get_settings
from tests.auth.steps import PASSWORD, sign_up
from tests.live_server import free_port, server_process
from tests.mailbox import Mailbox

LogLines = Callable[[], list[dict[str, object]]]


async def test_a_refused_send_is_tried_again_and_arrives(
    anonymous_client: AsyncClient, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mailing, "SECONDS_BETWEEN_ATTEMPTS", 0)
    mailbox.refusals = mailing.SEND_ATTEMPTS - 1

    await sign_up(anonymous_client, "ann")

    assert len(await mailbox.to("ann@example.com")) == 1


async def test_a_mail_server_that_is_down_costs_the_user_nothing_and_is_logged_once(
    anonymous_client: AsyncClient, monkeypatch: pytest.MonkeyPatch, log_lines: LogLines
) -> None:
    monkeypatch.setattr(mailing, "SECONDS_BETWEEN_ATTEMPTS", 0)
    monkeypatch.setattr(get_settings(), "smtp_host", "127.0.0.1")
    monkeypatch.setattr(get_settings(), "smtp_port", free_port())  # nothing listens there
    monkeypatch.setattr(get_settings(), "smtp_security", "none")

    response = await anonymous_client.post(
        "/users/", json={"username": "ann", "email": "ann@example.com", "password": PASSWORD}
    )
    await mailing.settle()

    assert response.status_code == 201
    errors = [line for line in log_lines() if line["level"] == "ERROR"]
    assert len(errors) == 1, errors
    said = f"the verification mail to user {response.json()['id']} was not sent: "
    assert str(errors[0]["message"]).startswith(said)
    assert "exc_info" not in errors[0]
    warnings = [line for line in log_lines() if line["level"] == "WARNING"]
    assert len(warnings) == mailing.SEND_ATTEMPTS - 1


@pytest.fixture
async def hanging_smtp_server() -> AsyncIterator[int]:
    """The port of a server that takes connections and never says a word."""

    async def hang(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(3600)

    server = await asyncio.start_server(hang, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()


async def test_a_mail_on_its_way_at_shutdown_gets_the_smtp_timeout_then_one_line(
    anonymous_client: AsyncClient,
    hanging_smtp_server: int,
    monkeypatch: pytest.MonkeyPatch,
    log_lines: LogLines,
) -> None:
    settings = get_settings()
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", hanging_smtp_server)
    monkeypatch.setattr(settings, "smtp_security", "none")
    monkeypatch.setattr(settings, "smtp_timeout_seconds", 0.2)

    user_id = await sign_up(anonymous_client, "ann")
    started = time.perf_counter()
    await mailing.settle()  # as the lifespan's end does
    seconds = time.perf_counter() - started

    print(f"settled in {seconds:.2f} s, with a {settings.smtp_timeout_seconds} s SMTP timeout")
    errors = [line for line in log_lines() if line["level"] == "ERROR"]
    assert [line["message"] for line in errors] == [
        f"the verification mail to user {user_id} was not sent: the server stopped"
    ]
    assert "exc_info" not in errors[0]
    # Not the whole of its tries: 3 timeouts with two pauses between them.
    assert seconds < mailing.SECONDS_BETWEEN_ATTEMPTS


@pytest.mark.live
async def test_sigterm_with_a_mail_on_its_way_stops_within_the_smtp_timeout(
    live_database: str, hanging_smtp_server: int
) -> None:
    timeout, drain = 2, 20
    settings = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(hanging_smtp_server),
        "SMTP_SECURITY": "none",
        "SMTP_TIMEOUT_SECONDS": str(timeout),
        "GRACEFUL_SHUTDOWN_SECONDS": str(drain),
    }
    with server_process("app.server", live_database, settings) as (server, base_url):
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            user_id = await sign_up(client, "ann")
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        await asyncio.to_thread(server.wait, 60)
        seconds = time.monotonic() - started

    said = server.output()
    print(f"stopped {seconds:.1f} s after SIGTERM (SMTP timeout {timeout} s, drain {drain} s)")
    assert f"the verification mail to user {user_id} was not sent: the server stopped" in said
    assert "Traceback" not in said, said
    assert seconds < drain / 2
