"""Items: anyone reads them, a signed-in user creates them, and only their owner changes or deletes
one."""

from fastapi import APIRouter, status

from app.api.deps import Limit, Offset, SessionDep
from app.auth.deps import CurrentUser
from app.items import service
from app.items.deps import ExistingItem, OwnedItem, not_found
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
async def create_item(
    item_in: ItemCreate, session: SessionDep, current_user: CurrentUser
) -> ItemPublic:
    """Create an item owned by the signed-in user."""
    item = Item(
        name=item_in.name,
        price=item_in.price,
        description=item_in.description,
        owner_id=current_user.id,
    )
    await service.create_item(session, item=item)
    return ItemPublic.model_validate(item)


@router.patch("/{item_id}")
async def update_item(item: OwnedItem, item_in: ItemUpdate, session: SessionDep) -> ItemPublic:
    """Change some fields of one of your items."""
    updated = await service.update_item(session, item_id=item.id, changes=item_in)
    if updated is None:  # deleted by a request that raced this one
        raise not_found()
    return ItemPublic.model_validate(updated)


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_item(item: OwnedItem, session: SessionDep) -> None:
    """Delete one of your items."""
    if not await service.delete_item(session, item_id=item.id):  # a racing request was first
        raise not_found()
