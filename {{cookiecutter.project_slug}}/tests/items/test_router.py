import json
import math

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.deps import MAX_PAGE_SIZE
from app.db.base import MAX_ID
from tests import factories

WIDGET = {"name": "Widget", "price": 9.99}


async def create_item(client: AsyncClient, **fields: object) -> dict[str, object]:
    """An item made through the API, as its caller, who may then change it."""
    response = await client.post("/items/", json={**WIDGET, **fields})
    assert response.status_code == 201
    item: dict[str, object] = response.json()
    return item


async def test_create_item_returns_it_with_an_id(async_client: AsyncClient) -> None:
    response = await async_client.post("/items/", json={**WIDGET, "description": "Blue"})

    assert response.status_code == 201
    body = response.json()
    assert body["id"] > 0
    assert {key: body[key] for key in ("name", "description", "price")} == {
        "name": "Widget",
        "description": "Blue",
        "price": 9.99,
    }


async def test_created_item_can_be_read_back(async_client: AsyncClient) -> None:
    created = await create_item(async_client)

    response = await async_client.get(f"/items/{created['id']}")

    assert response.status_code == 200
    assert response.json() == created


@pytest.mark.parametrize(
    "body",
    [
        {"price": 1.0},
        {"name": "Widget"},
        {"name": "", "price": 1.0},
        {"name": "x" * 101, "price": 1.0},
        {"name": "Widget", "price": -0.01},
        {"name": "Widget", "price": "cheap"},
        {"name": "Widget", "price": 1.0, "description": "x" * 1001},
        {"name": "Wid\x00get", "price": 1.0},
        {"name": "Widget", "price": 1.0, "description": "nul \x00 inside"},
    ],
)
async def test_invalid_item_is_rejected(async_client: AsyncClient, body: dict[str, object]) -> None:
    response = await async_client.post("/items/", json=body)

    assert response.status_code == 422


@pytest.mark.parametrize("price", [math.inf, -math.inf, math.nan])
async def test_non_finite_price_is_rejected(async_client: AsyncClient, price: float) -> None:
    # json.dumps writes these as Infinity and NaN, which httpx's own encoder refuses to send.
    response = await async_client.post(
        "/items/",
        content=json.dumps({**WIDGET, "price": price}),
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 422


async def test_missing_item_is_404(async_client: AsyncClient) -> None:
    response = await async_client.get("/items/999999")

    assert response.status_code == 404
    assert response.json() == {"detail": "Item not found."}


@pytest.mark.parametrize("item_id", ["0", str(MAX_ID + 1), "abc"])
async def test_item_id_out_of_range_is_rejected(async_client: AsyncClient, item_id: str) -> None:
    response = await async_client.get(f"/items/{item_id}")

    assert response.status_code == 422


async def test_list_items_pages_by_id(async_client: AsyncClient, db_session: AsyncSession) -> None:
    items = [await factories.create_item(db_session) for _ in range(3)]

    first_page = await async_client.get("/items/", params={"limit": 2})
    second_page = await async_client.get("/items/", params={"offset": 2})

    assert [item["id"] for item in first_page.json()] == [items[0].id, items[1].id]
    assert [item["id"] for item in second_page.json()] == [items[2].id]


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": MAX_PAGE_SIZE + 1}, {"offset": -1}, {"offset": MAX_ID + 1}]
)
async def test_list_items_out_of_bounds_is_rejected(
    async_client: AsyncClient, params: dict[str, int]
) -> None:
    response = await async_client.get("/items/", params=params)

    assert response.status_code == 422


async def test_update_item_changes_only_the_given_fields(async_client: AsyncClient) -> None:
    item = await create_item(async_client, name="Old", price=1.0, description="Kept")

    response = await async_client.patch(f"/items/{item['id']}", json={"name": "New"})

    assert response.status_code == 200
    assert response.json() == {**item, "name": "New"}


async def test_update_item_can_clear_the_description(async_client: AsyncClient) -> None:
    item = await create_item(async_client, description="Old")

    response = await async_client.patch(f"/items/{item['id']}", json={"description": None})

    assert response.json()["description"] is None


@pytest.mark.parametrize("field", ["name", "price"])
async def test_update_item_to_null_is_rejected(async_client: AsyncClient, field: str) -> None:
    item = await create_item(async_client)

    response = await async_client.patch(f"/items/{item['id']}", json={field: None})

    assert response.status_code == 422


async def test_update_missing_item_is_404(async_client: AsyncClient) -> None:
    response = await async_client.patch("/items/999999", json={"name": "New"})

    assert response.status_code == 404


async def test_delete_item(async_client: AsyncClient) -> None:
    item = await create_item(async_client)

    deleted = await async_client.delete(f"/items/{item['id']}")
    read_after = await async_client.get(f"/items/{item['id']}")

    assert deleted.status_code == 204
    assert read_after.status_code == 404


async def test_delete_missing_item_is_404(async_client: AsyncClient) -> None:
    response = await async_client.delete("/items/999999")

    assert response.status_code == 404
