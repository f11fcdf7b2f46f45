"""Your own account: changing the password ends your other sessions; deleting the account takes
your sessions and items with it. Both need the password, and are rate-limited per account."""

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import AuthSession
from app.core.config import get_settings
from app.items.models import Item
from app.users.models import User
from tests.api_client import ClientAt
from tests.auth.steps import PASSWORD, log_in, refreshed, sign_up, works

NEW_PASSWORD = "a new and longer password"


async def test_changing_the_password_ends_every_other_session(
    anonymous_client: AsyncClient,
) -> None:
    await sign_up(anonymous_client, "ann")
    here = await log_in(anonymous_client, "ann")
    elsewhere = await log_in(anonymous_client, "ann")

    response = await anonymous_client.put(
        "/users/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=here.headers,
    )

    assert response.status_code == 204
    assert await works(anonymous_client, here)
    assert not await works(anonymous_client, elsewhere)
    assert await refreshed(anonymous_client, elsewhere) is None
    old = await anonymous_client.post("/auth/token", data={"username": "ann", "password": PASSWORD})
    assert old.status_code == 401
    assert await works(anonymous_client, await log_in(anonymous_client, "ann", NEW_PASSWORD))


async def test_a_wrong_current_password_changes_nothing(anonymous_client: AsyncClient) -> None:
    await sign_up(anonymous_client, "ann")
    here = await log_in(anonymous_client, "ann")
    elsewhere = await log_in(anonymous_client, "ann")

    response = await anonymous_client.put(
        "/users/me/password",
        json={"current_password": "not the password", "new_password": NEW_PASSWORD},
        headers=here.headers,
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "Incorrect password."}
    assert await works(anonymous_client, elsewhere)
    assert await works(anonymous_client, await log_in(anonymous_client, "ann", PASSWORD))


async def test_deleting_the_account_takes_its_sessions_and_items(
    anonymous_client: AsyncClient, db_session: AsyncSession
) -> None:
    user_id = await sign_up(anonymous_client, "ann")
    bob_id = await sign_up(anonymous_client, "bob")
    session = await log_in(anonymous_client, "ann")
    bobs = await log_in(anonymous_client, "bob")
    for owner in (session, bobs):
        created = await anonymous_client.post(
            "/items/", json={"name": "lamp", "price": 5}, headers=owner.headers
        )
        assert created.status_code == 201

    response = await anonymous_client.request(
        "DELETE", "/users/me", json={"password": PASSWORD}, headers=session.headers
    )

    assert response.status_code == 204
    assert not await works(anonymous_client, session)
    assert await db_session.get(User, user_id) is None
    assert (await db_session.scalars(select(Item.owner_id))).all() == [bob_id]
    sessions = select(func.count()).select_from(AuthSession).where(AuthSession.user_id == user_id)
    assert await db_session.scalar(sessions) == 0
    login = await anonymous_client.post(
        "/auth/token", data={"username": "ann", "password": PASSWORD}
    )
    assert login.status_code == 401


async def test_deleting_the_account_with_a_wrong_password_deletes_nothing(
    anonymous_client: AsyncClient,
) -> None:
    await sign_up(anonymous_client, "ann")
    session = await log_in(anonymous_client, "ann")

    response = await anonymous_client.request(
        "DELETE", "/users/me", json={"password": "not the password"}, headers=session.headers
    )

    assert response.status_code == 403
    assert await works(anonymous_client, session)


@pytest.mark.usefixtures("fresh_rate_limits")
async def test_password_checks_are_limited_per_account_from_any_address(
    anonymous_client: AsyncClient,
    client_at: ClientAt,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await sign_up(anonymous_client, "ann")
    session = await log_in(anonymous_client, "ann")
    monkeypatch.setattr(get_settings(), "password_rate_limit", "2/minute")
    wrong = {"current_password": "not the password", "new_password": NEW_PASSWORD}
    statuses = []

    for address in ["192.0.2.1", "192.0.2.2", "192.0.2.3"]:
        async with client_at(address) as client:
            response = await client.put("/users/me/password", json=wrong, headers=session.headers)
            statuses.append(response.status_code)

    assert statuses == [403, 403, 429]
    assert 1 <= int(response.headers["Retry-After"]) <= 60
