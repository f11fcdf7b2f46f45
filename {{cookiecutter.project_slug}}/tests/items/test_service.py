from sqlalchemy.ext.asyncio import AsyncSession

from app.items import service
from app.items.schemas import ItemUpdate
from tests import factories


async def test_update_item_leaves_unset_fields_alone(db_session: AsyncSession) -> None:
    item = await factories.create_item(db_session, name="Lamp", price=20.0, description="Brass")

    await service.update_item(db_session, item_id=item.id, changes=ItemUpdate(price=25.0))
    stored = await service.get_item(db_session, item_id=item.id)

    assert stored is not None
    assert (stored.name, stored.price, stored.description) == ("Lamp", 25.0, "Brass")


async def test_list_items_respects_offset_and_limit(db_session: AsyncSession) -> None:
    items = [await factories.create_item(db_session) for _ in range(5)]

    page = await service.list_items(db_session, offset=1, limit=3)

    assert [item.id for item in page] == [item.id for item in items[1:4]]


async def test_delete_item_removes_it_once(db_session: AsyncSession) -> None:
    item = await factories.create_item(db_session)

    first = await service.delete_item(db_session, item_id=item.id)
    second = await service.delete_item(db_session, item_id=item.id)

    assert (first, second) == (True, False)
    assert await service.get_item(db_session, item_id=item.id) is None


async def test_updating_a_missing_item_is_none(db_session: AsyncSession) -> None:
    item = await factories.create_item(db_session)
    await service.delete_item(db_session, item_id=item.id)

    updated = await service.update_item(
        db_session, item_id=item.id, changes=ItemUpdate(name="Too late")
    )

    assert updated is None
