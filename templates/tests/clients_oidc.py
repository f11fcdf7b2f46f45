"""The clients that tests send their requests with, signed in or not: a plugin (see conftest.py).
Their tokens come from the tests' own provider (tests/identity_provider.py)."""

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from itertools import count
from uuid import uuid4

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp

from app.auth.identity import Identity
from app.core.config import get_settings
from app.users import service as users_service
from app.users.models import User
from tests.api_client import client_for
from tests.identity_provider import ISSUER, authorization

_sequence = count(1)


async def create_user(
    session: AsyncSession, *, username: str | None = None, email: str | None = None
) -> User:
    """A user as their first token makes them: a subject of the tests' provider."""
    n = next(_sequence)
    identity = Identity(
        issuer=ISSUER.url,
        subject=f"subject-{n}",
        username=username or f"user{n}",
        email=email or f"user{n}@example.com",
        roles=frozenset(),
    )
    return await users_service.user_of(session, identity)


def bearer(user: User, roles: Iterable[str] = ()) -> dict[str, str]:
    """Headers that sign a request in as the user, with these roles."""
    token = ISSUER.token(
        user.subject, roles=roles, preferred_username=user.username, email=user.email
    )
    return authorization(token)


@pytest.fixture
async def current_user(db_session: AsyncSession) -> User:
    return await create_user(db_session)


@asynccontextmanager
async def signed_in_client(
    app: ASGIApp, session: AsyncSession, user: User, roles: Iterable[str] = ()
) -> AsyncIterator[AsyncClient]:
    """A client signed in as the user, with these roles, whose requests use `session`."""
    async with client_for(app, session) as client:
        client.headers.update(bearer(user, roles))
        yield client


@pytest.fixture
async def async_client(
    started_app: ASGIApp, db_session: AsyncSession, current_user: User
) -> AsyncIterator[AsyncClient]:
    """A client signed in as `current_user`, whose requests use the test's session."""
    async with signed_in_client(started_app, db_session, current_user) as client:
        yield client


@pytest.fixture
async def admin_client(
    started_app: ASGIApp, db_session: AsyncSession
) -> AsyncIterator[AsyncClient]:
    """A client signed in as an admin, who may use every route, whose requests use the test's
    session."""
    admin = await create_user(db_session)
    roles = [get_settings().oidc_admin_role]
    async with signed_in_client(started_app, db_session, admin, roles) as client:
        yield client


@pytest.fixture
async def anonymous_client(
    started_app: ASGIApp, db_session: AsyncSession
) -> AsyncIterator[AsyncClient]:
    """A client without a token, whose requests use the test's session."""
    async with client_for(started_app, db_session) as client:
        yield client


async def live_owner_headers(client: AsyncClient, username: str = "owner") -> dict[str, str]:
    """Headers that sign a live server's requests in as a new user, who owns the items they make."""
    return authorization(ISSUER.token(f"{username}-{uuid4().hex}", preferred_username=username))


async def live_admin_headers(
    client: AsyncClient, database_url: str, username: str = "admin"
) -> dict[str, str]:
    """Headers that sign a live server's requests in as a new admin, who may use every route and
    owns the items they make."""
    roles = [get_settings().oidc_admin_role]
    return authorization(
        ISSUER.token(f"{username}-{uuid4().hex}", roles=roles, preferred_username=username)
    )
