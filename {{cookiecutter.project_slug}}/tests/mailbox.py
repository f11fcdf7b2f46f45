"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives: the mail tests point the
app at it and read the mails as a user would, links included; and `deliver_mail`, which sends what
the app has taken in to send."""

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

{% if cookiecutter.background_jobs == "taskiq" -%}
from app.core.config import get_settings
from tests.jobs.plugin import RunJobs
from tests.live_server import free_port
{%- else -%}
from app.accounts import mailing
from app.core.config import get_settings
from tests.live_server import free_port
{%- endif %}


async def nothing_to_deliver() -> None:
    pass


class Mailbox:
    """The mails the server received, oldest first; it refuses the next `refusals` with 451.

    Each read first has the app send what it has taken in to send (`deliver`, the `deliver_mail`
    fixture), as a user's inbox would have it by then.
    """

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.refusals = 0
        self.deliver: Callable[[], Awaitable[object]] = nothing_to_deliver

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        if self.refusals:
            self.refusals -= 1
            return "451 Try again later"
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self.received.append(mail)
        return "250 OK"

    async def mails(self) -> list[EmailMessage]:
        await self.deliver()
        return list(self.received)

    async def clear(self) -> None:
        await self.deliver()
        self.received.clear()

    async def to(self, address: str) -> list[EmailMessage]:
        return [mail for mail in await self.mails() if mail["To"] == address]

    async def token(self, address: str, page: str) -> str:
        """The token of the link to the page in the last mail to the address."""
        body = (await self.to(address))[-1].get_content()
        found = re.search(rf"/{page}\?token=([\w-]+)", body)
        assert found is not None, body
        return found[1]


{% if cookiecutter.background_jobs == "taskiq" -%}
@pytest.fixture
def deliver_mail(run_jobs: RunJobs) -> Callable[[], Awaitable[object]]:
    """Send the mails that the app has stored as jobs: the jobs run, as a worker runs them."""
    return run_jobs
{%- else -%}
@pytest.fixture
def deliver_mail() -> Callable[[], Awaitable[object]]:
    """Send the mails that the app has on their way: they are waited for."""
    return mailing.settle
{%- endif %}


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
async def mailbox(
    smtp_server: tuple[Mailbox, int],
    deliver_mail: Callable[[], Awaitable[object]],
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Mailbox]:
    """The server's mailbox, empty, with the app sending to it for this test, and nothing left to
    send after it: no mail of this test's arrives in another's."""
    mailbox, port = smtp_server
    mailbox.received.clear()
    mailbox.refusals = 0
    mailbox.deliver = deliver_mail
    settings = get_settings()
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", port)
    monkeypatch.setattr(settings, "smtp_security", "none")
    yield mailbox
    await deliver_mail()
