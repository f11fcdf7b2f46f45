"""Items: open to anyone. A change or a deletion is one statement, with no look-up before it."""

from fastapi import APIRouter, status

from app.api.deps import Id, Limit, Offset, SessionDep
from app.items import service
from app.items.deps import ExistingItem, not_found
from app.items.models import Item
from app.items.schemas import ItemCreate, ItemPublic, ItemUpdate

router = APIRouter(prefix="/items", tags=["items"])


@router.get("/")
async def list_items(
    session: SessionDep, offset: Offset = 0, limit: Limit = 20
) -> list[ItemPublic]:
    """List items by id."""
    items = await service.list_items(session, offset=offset, limit=limit)
    return [ItemPublic.model_validate(item) for item in items]


@router.get("/{item_id}")
async def read_item(item: ExistingItem) -> ItemPublic:
    """Read one item."""
    return ItemPublic.model_validate(item)


@router.post("/", status_code=status.HTTP_201_CREATED)
async def create_item(item_in: ItemCreate, session: SessionDep) -> ItemPublic:
    """Create an item."""
    item = Item(name=item_in.name, price=item_in.price, description=item_in.description)
    await service.create_item(session, item=item)
    return ItemPublic.model_validate(item)


@router.patch("/{item_id}")
async def update_item(item_id: Id, item_in: ItemUpdate, session: SessionDep) -> ItemPublic:
    """Change some fields of an item."""
    item = await service.update_item(session, item_id=item_id, changes=item_in)
    if item is None:
        raise not_found()
    return ItemPublic.model_validate(item)


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_item(item_id: Id, session: SessionDep) -> None:
    """Delete an item."""
    if not await service.delete_item(session, item_id=item_id):
        raise not_found()
