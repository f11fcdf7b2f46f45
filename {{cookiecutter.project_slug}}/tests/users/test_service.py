from sqlalchemy.ext.asyncio import AsyncSession

from app.db.base import Base
from app.users import service
from tests import factories


async def test_get_missing_user_is_none(db_session: AsyncSession) -> None:
    assert await service.get_user(db_session, user_id=123456) is None


async def test_a_deleted_users_id_is_never_given_again(db_session: AsyncSession) -> None:
    newest = await factories.create_user(db_session)
    await db_session.delete(newest)
    await db_session.flush()

    after = await factories.create_user(db_session)

    assert after.id > newest.id


def test_every_table_keeps_its_ids_on_sqlite() -> None:
    assert all(
        table.dialect_options["sqlite"]["autoincrement"] for table in Base.metadata.tables.values()
    )
