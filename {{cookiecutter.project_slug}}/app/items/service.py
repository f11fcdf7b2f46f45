from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.items.models import Item
from app.items.schemas import ItemUpdate
{%- if cookiecutter.auth == "jwt" %}


async def create_item(
    session: AsyncSession,
    *,
    name: str,
    price: float,
    owner_id: int,
    description: str | None = None,
) -> Item:
    item = Item(name=name, price=price, description=description, owner_id=owner_id)
{%- else %}


async def create_item(
    session: AsyncSession, *, name: str, price: float, description: str | None = None
) -> Item:
    item = Item(name=name, price=price, description=description)
{%- endif %}
    session.add(item)
    await session.commit()
    return item


async def get_item(session: AsyncSession, *, item_id: int) -> Item | None:
    return await session.get(Item, item_id)


async def list_items(session: AsyncSession, *, offset: int, limit: int) -> Sequence[Item]:
    items = await session.scalars(select(Item).order_by(Item.id).offset(offset).limit(limit))
    return items.all()


async def update_item(session: AsyncSession, *, item: Item, changes: ItemUpdate) -> Item:
    for field, value in changes.model_dump(exclude_unset=True).items():
        setattr(item, field, value)
    await session.commit()
    return item


async def delete_item(session: AsyncSession, *, item: Item) -> None:
    await session.delete(item)
    await session.commit()
