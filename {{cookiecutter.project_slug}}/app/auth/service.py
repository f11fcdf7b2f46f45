from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import security
from app.users.models import User


async def authenticate(session: AsyncSession, *, username: str, password: str) -> int | None:
    """The id of the user with this username and password, or None.

    The look-up's transaction ends before the password check, so no database connection waits
    on the hasher. An unknown username still costs one check, against a stand-in hash, so that
    the answer takes as long either way and does not tell which usernames exist.
    """
    statement = select(User.id, User.hashed_password).where(User.username == username)
    found = (await session.execute(statement)).one_or_none()
    await session.commit()  # nothing to write: this hands the connection back to the pool
    user_id, hashed = found if found is not None else (None, await security.stand_in_hash())
    if not await security.verify_password(password, hashed):
        return None
    return user_id
