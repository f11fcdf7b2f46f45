"""Items belong to their creator: anyone may read them, only the owner may change them."""

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.users.models import User
from tests import factories

WIDGET = {"name": "Widget", "price": 9.99}


async def test_creating_an_item_needs_a_token(anonymous_client: AsyncClient) -> None:
    response = await anonymous_client.post("/items/", json=WIDGET)

    assert response.status_code == 401


async def test_a_new_item_belongs_to_its_creator(
    async_client: AsyncClient, current_user: User
) -> None:
    response = await async_client.post("/items/", json=WIDGET)

    assert response.json()["owner_id"] == current_user.id


async def test_anyone_may_read_items(
    anonymous_client: AsyncClient, db_session: AsyncSession
) -> None:
    item = await factories.create_item(db_session)

    one = await anonymous_client.get(f"/items/{item.id}")
    listing = await anonymous_client.get("/items/")

    assert (one.status_code, listing.status_code) == (200, 200)


@pytest.mark.parametrize(
    ("signed_in", "status"), [(True, 403), (False, 401)], ids=["other-user", "no-token"]
)
async def test_only_the_owner_may_change_an_item(
    async_client: AsyncClient,
    anonymous_client: AsyncClient,
    db_session: AsyncSession,
    signed_in: bool,
    status: int,
) -> None:
    item = await factories.create_item(db_session)
    caller = async_client if signed_in else anonymous_client

    patched = await caller.patch(f"/items/{item.id}", json={"name": "Mine now"})
    deleted = await caller.delete(f"/items/{item.id}")

    assert (patched.status_code, deleted.status_code) == (status, status)
    assert (await caller.get(f"/items/{item.id}")).json()["name"] == item.name


async def test_the_owner_may_change_and_delete_an_item(
    async_client: AsyncClient, db_session: AsyncSession, current_user: User
) -> None:
    item = await factories.create_item(db_session, owner=current_user)

    patched = await async_client.patch(f"/items/{item.id}", json={"name": "Renamed"})
    deleted = await async_client.delete(f"/items/{item.id}")

    assert (patched.status_code, deleted.status_code) == (200, 204)
