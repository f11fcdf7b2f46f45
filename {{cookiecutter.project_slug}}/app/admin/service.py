from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.schemas import UserAdminUpdate
from app.auth.models import AuthSession
from app.auth.service import end_sessions
from app.users import service as users_service
from app.users.models import User


async def update_user(
    session: AsyncSession, *, user_id: int, changes: UserAdminUpdate
) -> User | None:
    """The user after the changes, or None when no such user exists. A deactivated user's
    sessions end with the change, in the same transaction."""
    values = changes.model_dump(exclude_unset=True)
    if not values:
        return await users_service.get_user(session, user_id=user_id)
    user = await session.scalar(
        update(User).where(User.id == user_id).values(values).returning(User)
    )
    if user is not None and values.get("is_active") is False:
        await end_sessions(session, AuthSession.user_id == user_id)
    await session.commit()
    return user
