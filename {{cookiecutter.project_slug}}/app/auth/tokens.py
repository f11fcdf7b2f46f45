"""Access tokens: JWTs signed with SECRET_KEY (HS256) that name a user and their session, and
expire; refresh tokens: random strings, of which the database keeps only a hash."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from app.core.config import get_settings
from app.db.base import MAX_ID

ALGORITHM = "HS256"
# An id in a claim has no more digits than MAX_ID, so int() never refuses it.
MAX_ID_LENGTH = len(str(MAX_ID))


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    session_id: int


def create_access_token(user_id: int, session_id: int, *, lifetime: timedelta | None = None) -> str:
    settings = get_settings()
    now = datetime.now(UTC)
    expires = now + (lifetime or timedelta(minutes=settings.access_token_minutes))
    claims = {"sub": str(user_id), "sid": str(session_id), "iat": now, "exp": expires}
    return jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm=ALGORITHM)


def access_claims(token: str) -> AccessClaims | None:
    """The user and session that a valid, unexpired token names; None for any other token."""
    try:
        claims = jwt.decode(
            token,
            get_settings().secret_key.get_secret_value(),
            algorithms=[ALGORITHM],
            options={"require": ["sub", "sid", "exp"]},
        )
    except jwt.InvalidTokenError:
        return None
    user_id, session_id = _id(claims["sub"]), _id(claims["sid"])
    if user_id is None or session_id is None:
        return None
    return AccessClaims(user_id=user_id, session_id=session_id)


def _id(claim: object) -> int | None:
    """A row's id written as a claim: plain ASCII digits, in the ids' range."""
    if not (
        isinstance(claim, str)
        and claim.isascii()
        and claim.isdigit()
        and len(claim) <= MAX_ID_LENGTH
    ):
        return None
    value = int(claim)
    return value if 0 < value <= MAX_ID else None


def new_secret_token() -> str:
    """A token for a refresh or a mailed link: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a secret token. Plain SHA-256 suffices: the token is random and
    long, so no guess can be checked against a stolen hash in a lifetime."""
    return hashlib.sha256(token.encode()).hexdigest()
