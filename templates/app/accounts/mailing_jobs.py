"""Account mails, sent as background jobs (app/jobs): stored with the commit of the request that
asks for one, and sent by a worker, which tries again with the jobs' backoff while the mail server
refuses it, and keeps it failed, as a dead letter, after JOBS_MAX_ATTEMPTS. A restart of the API
or of a worker loses none.

A job's arguments name the user, or the address asked about, never a link: the link is made when
the mail is sent, and committed with the job's end, so a link that was never mailed never works.
"""

from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app import mail
from app.accounts import links
from app.jobs import job


@job
async def send_verification(session: AsyncSession, user_id: int, email: str) -> None:
    await mail.deliver(await links.verification_mail(session, user_id=user_id, email=email))


@job
async def send_password_reset(session: AsyncSession, email: str) -> None:
    reset = await links.password_reset_mail(session, email)
    if reset is not None:
        await mail.deliver(reset)


class Mailing:
    """The account mails that a request asks for, as a dependency (`Mails`)."""

    async def verification(self, session: AsyncSession, *, user_id: int, email: str) -> None:
        """Commit a job that mails the address a new link that verifies it as the user's."""
        send_verification.enqueue(session, user_id, email)
        await session.commit()

    async def password_reset(self, session: AsyncSession, *, email: str) -> None:
        """Commit a job that mails a reset link to the active user with this address, if there
        is one: the same, as fast, for every address."""
        send_password_reset.enqueue(session, email)
        await session.commit()


Mails = Annotated[Mailing, Depends()]
