"""The account flows that go through a mailed link: verifying an address (a new user's, or the one
a user is changing to, which counts only once verified) and resetting a forgotten password.

A link carries a random token, of which the database keeps a hash. It works once, until it
expires, and a new link for the same user and purpose spends the ones before it: only the latest
works.
"""

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app import mail
from app.accounts.models import AccountToken
from app.auth.models import AuthSession
from app.auth.service import end_sessions, now
from app.auth.tokens import new_secret_token, token_hash
from app.core import security
from app.core.config import get_settings
from app.mail import Mail
from app.users.models import User

VERIFY = "verify"
RESET = "reset"


class EmailTakenError(Exception):
    """Another user has the address by now."""


async def verification_mail(session: AsyncSession, *, user_id: int, email: str) -> Mail:
    """A mail to the address with a new link that verifies it as the user's. The caller commits,
    then sends it."""
    hours = get_settings().email_verification_hours
    token = await _issue(
        session, user_id=user_id, purpose=VERIFY, email=email, lifetime=timedelta(hours=hours)
    )
    body = (
        f"Follow this link to verify your email address:\n\n{mail.link('verify-email', token)}"
        f"\n\nIt works once, for {hours} hours. If you did not ask for it, ignore this mail."
    )
    return Mail("verification", user_id, mail.message(email, "Verify your email address", body))


async def verify_email(session: AsyncSession, token: str) -> bool:
    """Make the address that the token was mailed to the user's, verified. False for a token that
    is unknown, used or expired; EmailTakenError if another user has the address by now."""
    spent = await _spend(session, token, VERIFY)
    if spent is None:
        await session.commit()
        return False
    user_id, email = spent
    try:
        await session.execute(
            update(User).where(User.id == user_id).values(email=email, email_verified=True)
        )
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise EmailTakenError from None
    return True


async def password_reset_mail(session: AsyncSession, email: str) -> Mail | None:
    """A mail with a new reset link to the active user with this address, or None where no
    active user has it: then nobody hears anything. The caller commits, then sends it.

    Called after the response, which is the same whether or not the address is a user's, and
    takes the same time: the look-up happens here.
    """
    minutes = get_settings().password_reset_minutes
    user_id = await session.scalar(select(User.id).where(User.email == email, User.is_active))
    if user_id is None:
        return None
    token = await _issue(
        session, user_id=user_id, purpose=RESET, lifetime=timedelta(minutes=minutes)
    )
    body = (
        f"Follow this link to choose a new password:\n\n{mail.link('reset-password', token)}"
        f"\n\nIt works once, for {minutes} minutes, and signs you out everywhere. If you did"
        " not ask for it, ignore this mail: your password stays as it is."
    )
    return Mail("password reset", user_id, mail.message(email, "Reset your password", body))


async def reset_password(session: AsyncSession, token: str, new_password: str) -> bool:
    """Set the password of the user whose reset token this is, and end every session of theirs.
    False for a token that is unknown, used or expired."""
    hashed = await security.hash_password(new_password)  # before the transaction, not inside it
    spent = await _spend(session, token, RESET)
    if spent is not None:
        user_id, _ = spent
        await session.execute(update(User).where(User.id == user_id).values(hashed_password=hashed))
        await end_sessions(session, AuthSession.user_id == user_id)
    await session.commit()
    return spent is not None


async def _issue(
    session: AsyncSession,
    *,
    user_id: int,
    purpose: str,
    lifetime: timedelta,
    email: str | None = None,
) -> str:
    await session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user_id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now())
        .execution_options(synchronize_session=False)
    )
    token = new_secret_token()
    session.add(
        AccountToken(
            token_hash=token_hash(token),
            user_id=user_id,
            purpose=purpose,
            email=email,
            expires_at=now() + lifetime,
        )
    )
    return token


async def _spend(session: AsyncSession, token: str, purpose: str) -> tuple[int, str | None] | None:
    """The user and address of a token of this purpose used for the first time, in time; None
    for any other. One UPDATE decides, so of two racing uses one alone gets it."""
    moment = now()
    spent = (
        await session.execute(
            update(AccountToken)
            .where(
                AccountToken.token_hash == token_hash(token),
                AccountToken.purpose == purpose,
                AccountToken.used_at.is_(None),
                AccountToken.expires_at > moment,
            )
            .values(used_at=moment)
            .returning(AccountToken.user_id, AccountToken.email)
            .execution_options(synchronize_session=False)
        )
    ).one_or_none()
    return None if spent is None else (spent.user_id, spent.email)
