"""Rows that the app commits in one test are gone in the next.

The same test runs twice: whichever run comes second would find the first one's item if the rollback
did not undo the commit that the API made.
"""

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.items.models import Item


@pytest.mark.parametrize("run", ["first", "second"])
async def test_a_committed_item_does_not_outlive_its_test(
    run: str, async_client: AsyncClient, db_session: AsyncSession
) -> None:
    assert await db_session.scalar(select(func.count()).select_from(Item)) == 0

    response = await async_client.post("/items/", json={"name": f"from the {run} run", "price": 1})

    assert response.status_code == 201
    assert await db_session.scalar(select(func.count()).select_from(Item)) == 1
