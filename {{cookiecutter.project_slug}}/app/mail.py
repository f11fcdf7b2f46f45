"""Account mails, sent over SMTP with aiosmtplib to the server that SMTP_HOST names.

A mail is never sent by the request that asks for it: app/accounts/mailing.py hands it over after
the commit, so that a mail server that is slow or down never delays a request, nor turns it into a
500. What is said of a mail (`str(mail)`) names its kind and its user, never its address or its
link, which carries a secret.

Without SMTP_HOST, local development writes each mail to the log, link included, so that the flows
work on a laptop with no mail server; anywhere else a mail is not sent, with one warning.
"""

import logging
from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib

from app.core.config import get_settings
from app.core.environment import DEVELOPMENT

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    kind: str  # "verification", "password reset"
    user_id: int
    message: EmailMessage

    def __str__(self) -> str:
        return f"the {self.kind} mail to user {self.user_id}"


class MailNotSentError(Exception):
    """The SMTP server refused the mail, or could not be reached: it may be tried again."""


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


async def deliver(mail: Mail) -> None:
    """Send the mail once; MailNotSentError, naming the mail and why, if the server did not take
    it. Without SMTP_HOST, see above."""
    settings = get_settings()
    if settings.smtp_host is None:
        if settings.environment in DEVELOPMENT:
            text = " ".join(mail.message.get_content().split())  # one line, its links whole
            logger.info("No SMTP_HOST: %s, shown here, not sent: %s", mail, text)
        else:
            logger.warning("No SMTP_HOST: %s was not sent", mail)
        return
    password = settings.smtp_password
    try:
        await aiosmtplib.send(
            mail.message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            use_tls=settings.smtp_security == "tls",
            start_tls=settings.smtp_security == "starttls",
            username=settings.smtp_username,
            password=None if password is None else password.get_secret_value(),
            timeout=settings.smtp_timeout_seconds,
        )
    except (aiosmtplib.SMTPException, OSError) as error:
        said = str(error) or type(error).__name__
        raise MailNotSentError(f"{mail} was not sent: {said}") from None
