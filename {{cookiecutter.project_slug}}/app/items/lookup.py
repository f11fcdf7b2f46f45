"""Looking up the item that a path names, for the routes: 404 when there is none."""

from fastapi import HTTPException, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.items import service
from app.items.models import Item


def not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail="Item not found.")


async def get_item_or_404(session: AsyncSession, item_id: int) -> Item:
    item = await service.get_item(session, item_id=item_id)
    if item is None:
        raise not_found()
    return item
