from fastapi import APIRouter

from app.api.deps import Id, Limit, Offset, SessionDep
from app.items import service, writes
from app.items.lookup import get_item_or_404
from app.items.schemas import ItemPublic

router = APIRouter(prefix="/items", tags=["items"])


@router.get("/")
async def list_items(
    session: SessionDep, offset: Offset = 0, limit: Limit = 20
) -> list[ItemPublic]:
    """List items by id."""
    items = await service.list_items(session, offset=offset, limit=limit)
    return [ItemPublic.model_validate(item) for item in items]


@router.get("/{item_id}")
async def read_item(item_id: Id, session: SessionDep) -> ItemPublic:
    """Read one item."""
    return ItemPublic.model_validate(await get_item_or_404(session, item_id))


# Creating, changing and deleting items: app/items/writes.py says who may.
router.include_router(writes.router)
