"""Creating, changing and deleting items: open to anyone."""

from fastapi import APIRouter, status

from app.api.deps import Id, SessionDep
from app.items import service
from app.items.lookup import not_found
from app.items.schemas import ItemCreate, ItemPublic, ItemUpdate

router = APIRouter()


@router.post("/", status_code=status.HTTP_201_CREATED)
async def create_item(item_in: ItemCreate, session: SessionDep) -> ItemPublic:
    """Create an item."""
    item = await service.create_item(
        session, name=item_in.name, price=item_in.price, description=item_in.description
    )
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
