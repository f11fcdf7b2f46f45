from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import security
from app.users.models import User


async def authenticate(session: AsyncSession, *, username: str, password: str) -> User | None:
    """The user with this username and password, or None.

    An unknown username still costs one password check, against a stand-in hash, so that the
    answer takes as long either way and does not tell which usernames exist.
    """
    user = await session.scalar(select(User).where(User.username == username))
    hashed = user.hashed_password if user is not None else await security.stand_in_hash()
    if not await security.verify_password(password, hashed):
        return None
    return user
