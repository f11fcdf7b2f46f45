"""Account mails, sent over SMTP with aiosmtplib to the server that SMTP_HOST names.

They are sent after the response, as background tasks: a mail server that is slow or down never
delays a request, nor turns it into a 500. A failed send is tried again, up to SEND_ATTEMPTS times
in all, and then logged as an error (which Sentry, where the project has it, reports).

Without SMTP_HOST, local development writes each mail to the log, link included, so that the flows
work on a laptop with no mail server; anywhere else a mail is not sent, with one warning, and its
link (a secret) is never logged.
"""

import asyncio
import logging
from email.message import EmailMessage

import aiosmtplib

from app.core.config import get_settings
from app.core.environment import DEVELOPMENT

SEND_ATTEMPTS = 3
SECONDS_BETWEEN_ATTEMPTS = 5.0

logger = logging.getLogger(__name__)


def message(to: str, subject: str, body: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = str(get_settings().mail_from)
    mail["To"] = to
    mail["Subject"] = subject
    mail.set_content(body, cte="7bit")  # links stay whole: no line of the body is long
    return mail


def link(page: str, token: str) -> str:
    """The address of one of the pages that the mails link to, carrying the token."""
    return f"{str(get_settings().public_url).rstrip('/')}/{page}?token={token}"


async def send(mail: EmailMessage) -> bool:
    """Send the mail; whether it was sent. Never raises: a failure is logged."""
    settings = get_settings()
    if settings.smtp_host is None:
        if settings.environment in DEVELOPMENT:
            text = " ".join(mail.get_content().split())  # one line, its links whole
            logger.info("No SMTP_HOST: a mail to %s, shown here, not sent: %s", mail["To"], text)
        else:
            logger.warning("No SMTP_HOST: a mail to %s was not sent", mail["To"])
        return False
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            await _deliver(mail)
        except (aiosmtplib.SMTPException, OSError) as error:
            failure = error
            if attempt < SEND_ATTEMPTS:
                logger.warning("A mail to %s failed (attempt %d): %s", mail["To"], attempt, error)
                await asyncio.sleep(SECONDS_BETWEEN_ATTEMPTS)
        else:
            return True
    logger.error(
        "A mail to %s was not sent after %d attempts: %s", mail["To"], SEND_ATTEMPTS, failure
    )
    return False


async def _deliver(mail: EmailMessage) -> None:
    settings = get_settings()
    password = settings.smtp_password
    await aiosmtplib.send(
        mail,
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        use_tls=settings.smtp_security == "tls",
        start_tls=settings.smtp_security == "starttls",
        username=settings.smtp_username,
        password=None if password is None else password.get_secret_value(),
        timeout=settings.smtp_timeout_seconds,
    )
