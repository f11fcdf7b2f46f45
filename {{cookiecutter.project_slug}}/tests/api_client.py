"""Clients for the app whose requests use the test's session."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp

from app.db.session import get_db
from app.main import app


@asynccontextmanager
async def client_for(
    started_app: ASGIApp, db_session: AsyncSession, address: str = "127.0.0.1"
) -> AsyncIterator[AsyncClient]:
    """A client at this address for the app, in which every request uses the test's session."""

    async def use_test_session() -> AsyncIterator[AsyncSession]:
        yield db_session

    app.dependency_overrides[get_db] = use_test_session
    try:
        transport = ASGITransport(app=started_app, client=(address, 50000))
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
    finally:
        app.dependency_overrides.pop(get_db, None)
