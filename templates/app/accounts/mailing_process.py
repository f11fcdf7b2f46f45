"""Account mails, sent by the API process itself, out of the request that asks for one: a slow
or failing mail server never delays a request.

A mail is tried SEND_ATTEMPTS times, SECONDS_BETWEEN_ATTEMPTS apart, then given up with one error
(which Sentry, where the project has it, reports). On shutdown the mails on their way get at most
SMTP_TIMEOUT_SECONDS more, then each that did not go is one error line. Mails live in memory
only: a process that dies with one on its way loses it. A project with background jobs sends them
as jobs, which a restart does not lose.
"""

import asyncio
import logging
from typing import Annotated

from fastapi import BackgroundTasks, Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import mail
from app.accounts import links
from app.api.deps import SessionsDep
from app.core.config import get_settings
from app.mail import Mail, MailNotSentError

SEND_ATTEMPTS = 3
SECONDS_BETWEEN_ATTEMPTS = 5.0

logger = logging.getLogger(__name__)
# The mails on their way: kept here, or the event loop could drop them half-way.
_sending: dict[asyncio.Task[None], Mail] = {}


class Mailing:
    """The account mails that a request asks for, as a dependency (`Mails`)."""

    def __init__(self, background: BackgroundTasks, sessions: SessionsDep) -> None:
        self.background = background
        self.sessions = sessions

    async def verification(self, session: AsyncSession, *, user_id: int, email: str) -> None:
        """Commit a new link that verifies the address as the user's, and mail it."""
        verification = await links.verification_mail(session, user_id=user_id, email=email)
        await session.commit()
        post(verification)

    async def password_reset(self, session: AsyncSession, *, email: str) -> None:
        """Mail a reset link to the active user with this address, if there is one: looked up
        after the response, so that it is the same, as fast, for every address."""
        self.background.add_task(_mail_password_reset, self.sessions, email)


Mails = Annotated[Mailing, Depends()]


async def _mail_password_reset(sessions: async_sessionmaker[AsyncSession], email: str) -> None:
    async with sessions() as session:
        reset = await links.password_reset_mail(session, email)
        await session.commit()
    if reset is not None:
        post(reset)


def post(outgoing: Mail) -> None:
    """Send the mail in the background, out of any request."""
    task = asyncio.get_running_loop().create_task(send(outgoing))
    _sending[task] = outgoing
    task.add_done_callback(_sending.pop)


async def send(outgoing: Mail) -> None:
    """Send the mail, trying again on failure; one error when it could not be sent."""
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            await mail.deliver(outgoing)
        except MailNotSentError as error:
            if attempt == SEND_ATTEMPTS:
                logger.error("%s (attempt %d of %d)", error, attempt, SEND_ATTEMPTS)
                return
            logger.warning("%s (attempt %d of %d)", error, attempt, SEND_ATTEMPTS)
            await asyncio.sleep(SECONDS_BETWEEN_ATTEMPTS)
        else:
            return


async def settle() -> None:
    """Wait for the mails on their way, for at most SMTP_TIMEOUT_SECONDS; then give up on the
    rest, one error line each. The lifespan's end calls it, and so do tests."""
    if not _sending:
        return
    _, unsent = await asyncio.wait(list(_sending), timeout=get_settings().smtp_timeout_seconds)
    for task in unsent:
        logger.error("%s was not sent: the server stopped", _sending[task])
        task.cancel()
    await asyncio.gather(*unsent, return_exceptions=True)
