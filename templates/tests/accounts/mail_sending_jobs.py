"""Account mails sent as jobs: tried again with the jobs' backoff while the server refuses them,
kept failed after JOBS_MAX_ATTEMPTS, never holding their link; and, live, arriving once each
through refusals and restarts of the API and the worker."""

import asyncio

import httpx
import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import mailing
from app.accounts.models import AccountToken
from app.core.config import get_settings
from app.jobs.models import Job
from tests.auth.steps import sign_up
from tests.jobs.live import Database, RedisServer, none_left, started, until
from tests.jobs.plugin import RunJobs
from tests.live_server import free_port, live_server
from tests.mailbox import Mailbox


async def mail_jobs(session: AsyncSession) -> list[Job]:
    return list(
        (await session.scalars(select(Job).where(Job.name.startswith(mailing.__name__)))).all()
    )


async def test_a_mail_is_a_job_that_holds_no_link(
    anonymous_client: AsyncClient, db_session: AsyncSession, mailbox: Mailbox
) -> None:
    user_id = await sign_up(anonymous_client, "ann")
    (job,) = await mail_jobs(db_session)
    links_before = await db_session.scalar(select(func.count()).select_from(AccountToken))

    token = await mailbox.token("ann@example.com", "verify-email")

    assert (job.name, job.arguments["args"]) == (
        mailing.send_verification.name,
        [user_id, "ann@example.com"],
    )
    assert links_before == 0  # made when the mail is sent
    assert token not in str(job.arguments)
    assert await mail_jobs(db_session) == []


async def test_a_refused_mail_is_tried_again_later_and_arrives_once(
    anonymous_client: AsyncClient, mailbox: Mailbox, run_jobs: RunJobs
) -> None:
    mailbox.refusals = 1
    await sign_up(anonymous_client, "ann")

    first = await run_jobs()
    second = await run_jobs()

    assert list(first.values()) == ["retried"]
    assert list(second.values()) == ["done"]
    assert len(await mailbox.to("ann@example.com")) == 1


async def test_a_mail_that_cannot_be_sent_is_kept_failed_naming_its_kind_and_user(
    anonymous_client: AsyncClient,
    db_session: AsyncSession,
    run_jobs: RunJobs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = get_settings()
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", free_port())  # nothing listens there
    monkeypatch.setattr(settings, "smtp_security", "none")
    user_id = await sign_up(anonymous_client, "ann")

    outcomes = [list((await run_jobs()).values()) for _ in range(settings.jobs_max_attempts)]

    (job,) = await mail_jobs(db_session)
    assert outcomes[-1] == ["failed"]
    assert job.failed_at is not None
    assert job.error is not None
    assert job.error.startswith(
        f"MailNotSentError: the verification mail to user {user_id} was not sent: "
    )


@pytest.mark.live
async def test_mails_outlive_refusals_and_restarts_and_arrive_once_each(
    live_database: str,
    redis_server: RedisServer,
    database: Database,
    smtp_server: tuple[Mailbox, int],
) -> None:
    """Sign-ups while no worker runs; the API restarted; then the worker starts while the mail
    server refuses more times than a process's own tries would, and is restarted too."""
    mailbox, port = smtp_server
    mailbox.received.clear()
    mailbox.refusals = 5
    settings = {
        "JOBS_BROKER_URL": redis_server.url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_SECURITY": "none",
        "JOBS_MAX_ATTEMPTS": "10",
    }
    users = ["ann", "bob", "cid"]
    for served in (users[:2], users[2:]):  # the API restarted between them
        with live_server(live_database, settings) as base_url:
            async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
                for user in served:
                    await sign_up(client, user)
    pending = await database.jobs_left()

    with started("app.scheduler", live_database, redis_server, settings):
        with started("tests.jobs.worker", live_database, redis_server, settings):
            await until(lambda: refused(mailbox), "the mail server refused them all")
        with started("tests.jobs.worker", live_database, redis_server, settings):
            await until(lambda: all_mailed(mailbox, users), "every mail arrived")
            await until(lambda: none_left(database), "every job was done")
            await asyncio.sleep(1)  # a second mail would come within the relay's second

    arrived = sorted(str(mail["To"]) for mail in mailbox.received)
    print(f"{pending} mails pending after the restart; arrived: {arrived}")
    assert pending == 3
    assert arrived == [f"{user}@example.com" for user in users]


async def refused(mailbox: Mailbox) -> bool:
    return mailbox.refusals == 0


async def all_mailed(mailbox: Mailbox, users: list[str]) -> bool:
    return {str(mail["To"]) for mail in mailbox.received} == {f"{u}@example.com" for u in users}
