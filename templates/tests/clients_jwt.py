"""The clients that tests send their requests with, signed in or not: a plugin (see conftest.py)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp

from app.auth import service as auth_service
from app.db.engine import create_engine
from app.users.models import User
from tests.api_client import client_for
from tests.auth.steps import promote
from tests.passwords import create_user as create_user  # the users, made with passwords


@pytest.fixture
async def current_user(db_session: AsyncSession) -> User:
    return await create_user(db_session)


@asynccontextmanager
async def signed_in_client(
    app: ASGIApp, session: AsyncSession, user: User
) -> AsyncIterator[AsyncClient]:
    """A client signed in as the user, in a session of its own, whose requests use `session`."""
    async with client_for(app, session) as client:
        tokens = await auth_service.start_session(session, user.id)
        client.headers["Authorization"] = f"Bearer {tokens.access_token}"
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
    await promote(db_session, admin.id)
    async with signed_in_client(started_app, db_session, admin) as client:
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
    account = {"username": username, "password": "s3cret!!"}
    await client.post("/users/", json={**account, "email": f"{username}@example.com"})
    token = (await client.post("/auth/token", data=account)).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


async def live_admin_headers(
    client: AsyncClient, database_url: str, username: str = "admin"
) -> dict[str, str]:
    """Headers that sign a live server's requests in as a new admin, who may use every route and
    owns the items they make."""
    headers = await live_owner_headers(client, username)
    admin = (await client.get("/users/me", headers=headers)).json()
    engine = create_engine(database_url)
    async with AsyncSession(engine) as session:
        await promote(session, admin["id"])
        await session.commit()
    await engine.dispose()
    return headers
