{% if cookiecutter.auth != "oidc" -%}
import pytest
{% endif -%}
from sqlalchemy.ext.asyncio import AsyncSession

{% if cookiecutter.auth != "oidc" -%}
from app.core.security import verify_password
{% endif -%}
from app.db.base import Base
from app.users import service
from tests import factories
{%- if cookiecutter.auth != "oidc" %}


async def test_create_user_stores_a_hash_that_verifies(db_session: AsyncSession) -> None:
    user = await service.create_user(
        db_session, username="bob", email="bob@example.com", password="s3cret-enough"
    )

    assert user.hashed_password != "s3cret-enough"
    assert user.hashed_password.startswith("$argon2id$")
    assert await verify_password("s3cret-enough", user.hashed_password)
    assert not await verify_password("wrong password", user.hashed_password)


async def test_create_user_names_the_taken_field(db_session: AsyncSession) -> None:
    await factories.create_user(db_session, username="bob", email="bob@example.com")

    with pytest.raises(service.DuplicateUserError) as taken:
        await service.create_user(
            db_session, username="robert", email="bob@example.com", password="s3cret-enough"
        )

    assert taken.value.field == "email"


async def test_a_failed_sign_up_leaves_the_session_usable(db_session: AsyncSession) -> None:
    await factories.create_user(db_session, username="bob")

    with pytest.raises(service.DuplicateUserError):
        await factories.create_user(db_session, username="bob")
    carol = await factories.create_user(db_session, username="carol")

    assert await service.get_user(db_session, user_id=carol.id) is carol
{%- endif %}


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
