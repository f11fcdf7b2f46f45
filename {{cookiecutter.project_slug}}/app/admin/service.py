"""What an admin does to other users: change their role, or deactivate them, which ends their
sessions; never so that no active admin is left."""

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.service import LastAdminError, leaves_an_admin, lock_the_admins
from app.admin.schemas import UserAdminUpdate
from app.auth.models import AuthSession
from app.auth.service import end_sessions
from app.users.models import User


async def change_user(
    session: AsyncSession, *, user_id: int, changes: UserAdminUpdate
) -> User | None:
    """The user after an admin's changes, or None when no such user exists; LastAdminError when
    they would leave no active admin. A deactivated user's sessions end with the change, in the
    same transaction."""
    values = changes.model_dump(exclude_unset=True)
    if not values:
        return await session.get(User, user_id)
    changing = update(User).where(User.id == user_id).values(values).returning(User)
    if values.get("role", "admin") != "admin" or values.get("is_active") is False:
        await lock_the_admins(session)
        changing = changing.where(leaves_an_admin(user_id))
    user = await session.scalar(changing)
    if user is None:
        await session.rollback()
        if await session.get(User, user_id) is not None:
            raise LastAdminError
        return None
    if values.get("is_active") is False:
        await end_sessions(session, AuthSession.user_id == user_id)
    await session.commit()
    return user
