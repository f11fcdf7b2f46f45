"""Users with passwords: made with a hash that verifies, and refused, by the field, when a name
is taken."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import verify_password
from app.users import service
from tests import factories


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
