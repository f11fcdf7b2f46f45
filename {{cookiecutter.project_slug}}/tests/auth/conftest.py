"""The fixtures of the account tests: a real SMTP server and its mailbox (tests/auth/mailbox.py),
and what sends the mails that the app has taken in."""

from collections.abc import Awaitable, Callable

import pytest

{% if cookiecutter.background_jobs == "taskiq" -%}
from tests.auth.mailbox import mailbox, smtp_server
from tests.jobs.plugin import RunJobs

__all__ = ["mailbox", "smtp_server"]


@pytest.fixture
def deliver_mail(run_jobs: RunJobs) -> Callable[[], Awaitable[object]]:
    """Send the mails that the app has stored as jobs: the jobs run, as a worker runs them."""
    return run_jobs
{%- else -%}
from app.auth import mailing
from tests.auth.mailbox import mailbox, smtp_server

__all__ = ["mailbox", "smtp_server"]


@pytest.fixture
def deliver_mail() -> Callable[[], Awaitable[object]]:
    """Send the mails that the app has on their way: they are waited for."""
    return mailing.settle
{%- endif %}
