"""The client that tests send their requests with: a plugin (see conftest.py)."""

from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp

from tests.api_client import client_for
from tests.passwords import create_user as create_user  # the users, made with passwords


@pytest.fixture
async def async_client(
    started_app: ASGIApp, db_session: AsyncSession
) -> AsyncIterator[AsyncClient]:
    """A client whose requests use the test's session."""
    async with client_for(started_app, db_session) as client:
        yield client


@pytest.fixture
def admin_client(async_client: AsyncClient) -> AsyncClient:
    """A client that may use every route: with no sign-in, any client."""
    return async_client


async def live_owner_headers(client: AsyncClient) -> dict[str, str]:
    """Headers for a live server's requests that make and change items: none, the API is open."""
    return {}


async def live_admin_headers(client: AsyncClient, database_url: str) -> dict[str, str]:
    """Headers for a live server's requests to every route: none, the API is open."""
    return {}
