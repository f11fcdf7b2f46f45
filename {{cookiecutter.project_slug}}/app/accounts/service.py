"""Your account: its password checked and changed, the address taken or not, its deletion; and
the rule that an admin's changes keep too (app/admin/service.py): an active admin is always left.
"""

from sqlalchemy import ColumnElement, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.auth.models import AuthSession
from app.auth.service import end_sessions
from app.auth.tokens import AccessClaims
from app.core import security
from app.users.models import User


class LastAdminError(Exception):
    """The change would leave no active admin."""


async def check_password(session: AsyncSession, user: User, password: str) -> bool:
    """Whether the password is the signed-in user's. The transaction that read the user ends
    before the check, so that no connection waits on the hasher."""
    await session.commit()
    return await security.verify_password(password, user.hashed_password)


async def email_taken(session: AsyncSession, email: str) -> bool:
    return await session.scalar(select(User.id).where(User.email == email)) is not None


async def change_password(
    session: AsyncSession, user: User, claims: AccessClaims, *, current: str, new: str
) -> bool:
    """Set a new password if `current` is the user's; end every other session. False if not."""
    if not await check_password(session, user, current):
        return False
    hashed = await security.hash_password(new)
    await session.execute(update(User).where(User.id == user.id).values(hashed_password=hashed))
    await end_sessions(session, AuthSession.user_id == user.id, AuthSession.id != claims.session_id)
    await session.commit()
    return True


async def delete_account(session: AsyncSession, user: User, *, password: str) -> bool:
    """Delete the user, with their sessions and items, if the password is theirs; raise
    LastAdminError for the last active admin."""
    if not await check_password(session, user, password):
        return False
    if user.role == "admin":
        await lock_the_admins(session)
    # The database deletes the rows that refer to the user (ON DELETE CASCADE).
    deleted = await session.execute(
        delete(User).where(User.id == user.id, leaves_an_admin(user.id)).returning(User.id)
    )
    if deleted.first() is None:
        await session.rollback()
        raise LastAdminError
    await session.commit()
    return True


async def lock_the_admins(session: AsyncSession) -> None:
    """Take the active admins' rows, in order, until the transaction ends: of two admins who
    demote each other at once, the second then sees the first one's change. (SQLite has no row
    locks: it runs one write at a time, and each guarded statement decides alone.)"""
    admins = select(User.id).where(_active_admin(User)).order_by(User.id).with_for_update()
    await session.execute(admins)


def _active_admin(user: type[User]) -> ColumnElement[bool]:
    return (user.role == "admin") & user.is_active


def leaves_an_admin(user_id: int) -> ColumnElement[bool]:
    """Whether an active admin is left once the user is demoted, deactivated or deleted: they are
    none, or another is."""
    other = aliased(User)
    another_admin = select(other.id).where(_active_admin(other), other.id != user_id).exists()
    return or_(~_active_admin(User), another_admin)
