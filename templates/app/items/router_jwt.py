from fastapi import APIRouter, HTTPException, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.deps import Id, Limit, Offset, SessionDep
from app.auth.deps import CurrentUser
from app.items import service
from app.items.models import Item
from app.items.schemas import ItemCreate, ItemPublic, ItemUpdate
from app.users.models import User

router = APIRouter(prefix="/items", tags=["items"])


def _not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail="Item not found.")


async def _get_item_or_404(session: AsyncSession, item_id: int) -> Item:
    item = await service.get_item(session, item_id=item_id)
    if item is None:
        raise _not_found()
    return item


async def _check_owner(session: AsyncSession, item_id: int, user: User) -> None:
    item = await _get_item_or_404(session, item_id)
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
    return ItemPublic.model_validate(await _get_item_or_404(session, item_id))


@router.patch("/{item_id}")
async def update_item(
    item_id: Id, item_in: ItemUpdate, session: SessionDep, current_user: CurrentUser
) -> ItemPublic:
    """Change some fields of one of your items."""
    await _check_owner(session, item_id, current_user)
    item = await service.update_item(session, item_id=item_id, changes=item_in)
    if item is None:  # deleted by a request that raced this one
        raise _not_found()
    return ItemPublic.model_validate(item)


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_item(item_id: Id, session: SessionDep, current_user: CurrentUser) -> None:
    """Delete one of your items."""
    await _check_owner(session, item_id, current_user)
    if not await service.delete_item(session, item_id=item_id):  # a racing request was first
        raise _not_found()
