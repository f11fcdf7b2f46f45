"""Users with passwords, as the tests make them: a plugin (see conftest.py). The factories' users
have DEFAULT_PASSWORD, hashed the cheap way for the whole run; a sign-up's body is `sign_up`; and a
live server may hash and limit as production does (`production_server`)."""

from collections.abc import Iterator
from itertools import count

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.rate_limit import get_rate_limiter
from app.core import security
from app.core.config import Settings
from app.users import service as users_service
from app.users.models import User

# Production's rate limits, which the tests otherwise lift.
RATE_LIMITS = {
    name.upper(): str(field.default)
    for name, field in Settings.model_fields.items()
    if name.endswith("_rate_limit")
}
DEFAULT_PASSWORD = "correct horse battery staple"
# argon2id at its lowest cost: a test needs a valid hash, not a slow one.
CHEAP_PASSWORD_HASH = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))

_sequence = count(1)


def sign_up(username: str) -> dict[str, str]:
    """The body of `POST /users/` that signs up a new user of this name."""
    return {"username": username, "email": f"{username}@example.com", "password": "s3cret!!"}


async def create_user(
    session: AsyncSession,
    *,
    username: str | None = None,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
) -> User:
    n = next(_sequence)
    return await users_service.create_user(
        session,
        username=username or f"user{n}",
        email=email or f"user{n}@example.com",
        password=password,
    )


def hash_cheaply() -> None:
    """Hash passwords the cheap way in this process (a live server's, unless it is told to hash as
    production does)."""
    security.password_hash = CHEAP_PASSWORD_HASH


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Hash passwords the cheap way, for the whole run."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(security, "password_hash", CHEAP_PASSWORD_HASH)
        yield


@pytest.fixture
def fresh_rate_limits() -> None:
    """Rate limits that count from zero in this test: a new limiter, made on first use. (A reset
    of the old one's storage would race with the expiry task that the storage runs.)"""
    get_rate_limiter.cache_clear()


@pytest.fixture
def production_server(live_database: str) -> Iterator[str]:
    """A live server's base URL, with production's password hashing and rate limits."""
    from tests.live_server import live_server  # here: that plugin loads after this one

    with live_server(live_database, {"LIVE_SERVER_HASHING": "production", **RATE_LIMITS}) as url:
        yield url
