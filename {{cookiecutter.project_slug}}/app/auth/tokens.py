"""Access tokens: JWTs signed with SECRET_KEY (HS256) that name a user and expire."""

from datetime import UTC, datetime, timedelta

import jwt

from app.core.config import get_settings
from app.db.base import MAX_ID

ALGORITHM = "HS256"
# A user id as the token's subject has no more digits than MAX_ID, so int() never refuses it.
MAX_SUBJECT_LENGTH = len(str(MAX_ID))


def create_access_token(user_id: int, *, lifetime: timedelta | None = None) -> str:
    settings = get_settings()
    now = datetime.now(UTC)
    expires = now + (lifetime or timedelta(minutes=settings.access_token_minutes))
    claims = {"sub": str(user_id), "iat": now, "exp": expires}
    return jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm=ALGORITHM)


def user_id_from_token(token: str) -> int | None:
    """The id of the user that a valid, unexpired token names; None for any other token."""
    try:
        claims = jwt.decode(
            token,
            get_settings().secret_key.get_secret_value(),
            algorithms=[ALGORITHM],
            options={"require": ["sub", "exp"]},
        )
    except jwt.InvalidTokenError:
        return None
    subject = claims["sub"]
    if not (
        isinstance(subject, str)
        and subject.isascii()
        and subject.isdigit()
        and len(subject) <= MAX_SUBJECT_LENGTH
    ):
        return None
    user_id = int(subject)
    return user_id if 0 < user_id <= MAX_ID else None
