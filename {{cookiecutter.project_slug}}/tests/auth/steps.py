"""What the lifecycle tests do as a client would: sign up, log in, refresh, and ask who they are."""

from dataclasses import dataclass

from httpx import AsyncClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.users.models import User
from tests import passwords

PASSWORD = passwords.DEFAULT_PASSWORD


@dataclass(frozen=True)
class Session:
    """What a login gave: the bearer header of its access token, and its refresh token."""

    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


async def sign_up(client: AsyncClient, username: str, password: str = PASSWORD) -> int:
    account = {"username": username, "email": f"{username}@example.com", "password": password}
    response = await client.post("/users/", json=account)
    assert response.status_code == 201, response.text
    user_id: int = response.json()["id"]
    return user_id


async def log_in(client: AsyncClient, username: str, password: str = PASSWORD) -> Session:
    response = await client.post("/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return Session(response.json()["access_token"], response.json()["refresh_token"])


async def refreshed(client: AsyncClient, session: Session) -> Session | None:
    """The next tokens of the session, or None when the refresh was refused (401)."""
    response = await client.post("/auth/refresh", json={"refresh_token": session.refresh_token})
    if response.status_code == 401:
        return None
    assert response.status_code == 200, response.text
    return Session(response.json()["access_token"], response.json()["refresh_token"])


async def works(client: AsyncClient, session: Session) -> bool:
    """Whether the session's access token still signs its holder in (200), or not (401)."""
    response = await client.get("/users/me", headers=session.headers)
    assert response.status_code in {200, 401}, response.text
    return response.status_code == 200


async def promote(session: AsyncSession, user_id: int) -> None:
    """Make the user an admin, as `python -m app.cli create-admin` would have made them."""
    await session.execute(update(User).where(User.id == user_id).values(role="admin"))
