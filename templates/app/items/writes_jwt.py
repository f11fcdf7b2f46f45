"""Creating items, signed in; changing and deleting them, for their owner alone."""

from fastapi import APIRouter, HTTPException, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.deps import Id, SessionDep
from app.auth.deps import CurrentUser
from app.items import service
from app.items.lookup import get_item_or_404, not_found
from app.items.schemas import ItemCreate, ItemPublic, ItemUpdate
from app.users.models import User

router = APIRouter()


async def _check_owner(session: AsyncSession, item_id: int, user: User) -> None:
    item = await get_item_or_404(session, item_id)
    if item.owner_id != user.id:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail="Only the item's owner may change it."
        )


@router.post("/", status_code=status.HTTP_201_CREATED)
async def create_item(
    item_in: ItemCreate, session: SessionDep, current_user: CurrentUser
) -> ItemPublic:
    """Create an item owned by the signed-in user."""
    item = await service.create_item(
        session,
        name=item_in.name,
        price=item_in.price,
        description=item_in.description,
        owner_id=current_user.id,
    )
    return ItemPublic.model_validate(item)


@router.patch("/{item_id}")
async def update_item(
    item_id: Id, item_in: ItemUpdate, session: SessionDep, current_user: CurrentUser
) -> ItemPublic:
    """Change some fields of one of your items."""
    await _check_owner(session, item_id, current_user)
    item = await service.update_item(session, item_id=item_id, changes=item_in)
    if item is None:  # deleted by a request that raced this one
        raise not_found()
    return ItemPublic.model_validate(item)


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_item(item_id: Id, session: SessionDep, current_user: CurrentUser) -> None:
    """Delete one of your items."""
    await _check_owner(session, item_id, current_user)
    if not await service.delete_item(session, item_id=item_id):  # a racing request was first
        raise not_found()
