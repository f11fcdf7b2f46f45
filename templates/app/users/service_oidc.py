from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.identity import Identity
from app.users.models import User


async def user_of(session: AsyncSession, identity: Identity) -> User:
    """The user that the identity is: made the first time it comes, and given the names of its
    latest token.

    Two first requests at once make one user: the unique index on (issuer, subject) decides, and
    the request that loses reads the user that the other made, as the other named them.
    """
    user = await _user_of(session, identity)
    if user is None:
        user = User(
            issuer=identity.issuer,
            subject=identity.subject,
            username=identity.username,
            email=identity.email,
        )
        session.add(user)
        try:
            await session.commit()
        except IntegrityError:
            await session.rollback()
            user = await _user_of(session, identity)
            if user is None:  # not a race lost: nothing made them
                raise
    elif (user.username, user.email) != (identity.username, identity.email):
        user.username, user.email = identity.username, identity.email
        await session.commit()
    return user


async def _user_of(session: AsyncSession, identity: Identity) -> User | None:
    return await session.scalar(
        select(User).where(User.issuer == identity.issuer, User.subject == identity.subject)
    )


async def get_user(session: AsyncSession, *, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def list_users(session: AsyncSession, *, offset: int, limit: int) -> Sequence[User]:
    users = await session.scalars(select(User).order_by(User.id).offset(offset).limit(limit))
    return users.all()


async def set_active(session: AsyncSession, *, user_id: int, active: bool) -> User | None:
    """The user, activated or deactivated here; None when there is no such user."""
    user = await session.scalar(
        update(User).where(User.id == user_id).values(is_active=active).returning(User)
    )
    await session.commit()
    return user
