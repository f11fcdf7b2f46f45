from collections.abc import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

{% if cookiecutter.background_jobs == "taskiq" -%}
from app.items.jobs import item_created
{% endif -%}
from app.items.models import Item
from app.items.schemas import ItemUpdate


async def create_item(session: AsyncSession, *, item: Item) -> Item:
    session.add(item)
{%- if cookiecutter.background_jobs == "taskiq" %}
    await session.flush()  # for the item's id
    item_created.enqueue(session, item.id)  # sent once the commit has stored both
{%- endif %}
    await session.commit()
    return item


async def get_item(session: AsyncSession, *, item_id: int) -> Item | None:
    return await session.get(Item, item_id)


async def list_items(session: AsyncSession, *, offset: int, limit: int) -> Sequence[Item]:
    items = await session.scalars(select(Item).order_by(Item.id).offset(offset).limit(limit))
    return items.all()


# Changes and deletions are single statements that say how many rows they matched, so a request
# that races another one for the same item learns the truth (None or False: it is gone) instead
# of failing on an item that it loaded before the other request removed it.


async def update_item(session: AsyncSession, *, item_id: int, changes: ItemUpdate) -> Item | None:
    """The item after the changes, or None when no such item exists."""
    values = changes.model_dump(exclude_unset=True)
    if not values:
        return await get_item(session, item_id=item_id)
    item = await session.scalar(
        update(Item).where(Item.id == item_id).values(values).returning(Item)
    )
    await session.commit()
    return item


async def delete_item(session: AsyncSession, *, item_id: int) -> bool:
    """Whether this call deleted the item; False when no such item exists."""
    deleted = await session.scalar(delete(Item).where(Item.id == item_id).returning(Item.id))
    await session.commit()
    return deleted is not None
