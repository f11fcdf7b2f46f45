"""Sessions: log in, refresh, log out, and `end_sessions`, which a changed password, an admin's
deactivation and a deleted account call too.

Every write here is one statement that decides by itself, so racing requests cannot both win: a
refresh token is spent by an UPDATE that only the first can make, and an ended session stays
ended. A password is checked after the look-up's transaction ends, so no database connection
waits on the hasher.
"""

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import AuthSession, RefreshToken
from app.auth.schemas import Token
from app.auth.tokens import AccessClaims, create_access_token, new_secret_token, token_hash
from app.core import security
from app.core.config import get_settings
from app.users.models import User

logger = logging.getLogger(__name__)


def now() -> datetime:
    return datetime.now(UTC)


async def authenticate(session: AsyncSession, *, username: str, password: str) -> User | None:
    """The active user with this username and password, or None.

    An unknown username still costs one check, against a stand-in hash, so that the answer takes
    as long either way and does not tell which usernames exist.
    """
    user = await session.scalar(select(User).where(User.username == username))
    await session.commit()  # nothing to write: this hands the connection back to the pool
    hashed = await security.stand_in_hash() if user is None else user.hashed_password
    if not await security.verify_password(password, hashed) or user is None or not user.is_active:
        return None
    return user


async def start_session(session: AsyncSession, user_id: int) -> Token:
    """A new session for the user, and its first tokens."""
    started = AuthSession(user_id=user_id, started_at=now())
    session.add(started)
    await session.flush()
    tokens = _issue(session, user_id=user_id, session_id=started.id)
    await session.commit()
    return tokens


async def refresh(session: AsyncSession, refresh_token: str) -> Token | None:
    """New tokens for a refresh token used for the first time, before it expires, in a session
    that is alive; None for any other.

    A refresh token used a second time was copied: whoever holds the session's next one may be
    the thief or its owner, so the session ends, and both must log in again.
    """
    hashed = token_hash(refresh_token)
    moment = now()
    spend = (
        update(RefreshToken)
        .where(
            RefreshToken.token_hash == hashed,
            RefreshToken.used_at.is_(None),
            RefreshToken.expires_at > moment,
        )
        .values(used_at=moment)
        .returning(RefreshToken.session_id)
        .execution_options(synchronize_session=False)
    )
    session_id = await session.scalar(spend)
    if session_id is None:
        await _end_a_reused_tokens_session(session, hashed)
        await session.commit()
        return None
    user_id = await session.scalar(
        select(User.id)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(AuthSession.id == session_id, AuthSession.ended_at.is_(None), User.is_active)
    )
    tokens = None if user_id is None else _issue(session, user_id=user_id, session_id=session_id)
    await session.commit()
    return tokens


async def _end_a_reused_tokens_session(session: AsyncSession, hashed: str) -> None:
    reused = await session.scalar(
        select(RefreshToken.session_id).where(
            RefreshToken.token_hash == hashed, RefreshToken.used_at.is_not(None)
        )
    )
    if reused is not None and await end_sessions(session, AuthSession.id == reused):
        logger.warning("A refresh token was used again: its session %d ended", reused)


def _issue(session: AsyncSession, *, user_id: int, session_id: int) -> Token:
    settings = get_settings()
    refresh_token = new_secret_token()
    session.add(
        RefreshToken(
            token_hash=token_hash(refresh_token),
            session_id=session_id,
            expires_at=now() + timedelta(days=settings.refresh_token_days),
        )
    )
    return Token(
        access_token=create_access_token(user_id, session_id),
        refresh_token=refresh_token,
        expires_in=settings.access_token_minutes * 60,
    )


async def session_user(session: AsyncSession, claims: AccessClaims) -> User | None:
    """The active user whose live session an access token names, in one query."""
    return await session.scalar(
        select(User)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(
            User.id == claims.user_id,
            AuthSession.id == claims.session_id,
            AuthSession.ended_at.is_(None),
            User.is_active,
        )
    )


async def end_sessions(session: AsyncSession, *which: ColumnElement[bool]) -> int:
    """End the live sessions that match; how many there were. The caller commits."""
    ended = await session.execute(
        update(AuthSession)
        .where(AuthSession.ended_at.is_(None), *which)
        .values(ended_at=now())
        .execution_options(synchronize_session=False)
    )
    return int(ended.rowcount)  # type: ignore[attr-defined]


async def log_out(session: AsyncSession, claims: AccessClaims, *, everywhere: bool) -> None:
    """End this session, or every session of its user."""
    if everywhere:
        await end_sessions(session, AuthSession.user_id == claims.user_id)
    else:
        await end_sessions(session, AuthSession.id == claims.session_id)
    await session.commit()
