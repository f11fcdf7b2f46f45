"""The clients that tests send their requests with, signed in or not: a plugin (see conftest.py)."""

from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp

from app.auth.tokens import create_access_token
from app.users.models import User
from tests import factories
from tests.api_client import client_for


@pytest.fixture
async def current_user(db_session: AsyncSession) -> User:
    return await factories.create_user(db_session)


@pytest.fixture
async def async_client(
    started_app: ASGIApp, db_session: AsyncSession, current_user: User
) -> AsyncIterator[AsyncClient]:
    """A client signed in as `current_user`, whose requests use the test's session."""
    async with client_for(started_app, db_session) as client:
        client.headers["Authorization"] = f"Bearer {create_access_token(current_user.id)}"
        yield client


@pytest.fixture
async def anonymous_client(
    started_app: ASGIApp, db_session: AsyncSession
) -> AsyncIterator[AsyncClient]:
    """A client without a token, whose requests use the test's session."""
    async with client_for(started_app, db_session) as client:
        yield client


async def live_owner_headers(client: AsyncClient) -> dict[str, str]:
    """Headers that sign a live server's requests in as a new user, who owns the items they make."""
    account = {"username": "owner", "password": "s3cret!!"}
    await client.post("/users/", json={**account, "email": "owner@example.com"})
    token = (await client.post("/auth/token", data=account)).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}
