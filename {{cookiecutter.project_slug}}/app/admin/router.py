"""What admins alone may do: see every user with their email, role and state; change a user's role,
or deactivate them (their sessions end at once) and activate them again."""

from fastapi import APIRouter, HTTPException, status

from app.accounts.router import last_admin
from app.accounts.service import LastAdminError
from app.admin import service
from app.admin.schemas import UserAdminUpdate, UserAdminView
from app.api.deps import Id, Limit, Offset, SessionDep
from app.auth.deps import CurrentUser, admin_only
from app.users import service as users_service

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=admin_only)


@router.get("/users/")
async def list_users(
    session: SessionDep, offset: Offset = 0, limit: Limit = 20
) -> list[UserAdminView]:
    """List users by id, with their emails, roles and states."""
    users = await users_service.list_users(session, offset=offset, limit=limit)
    return [UserAdminView.model_validate(user) for user in users]


@router.patch(
    "/users/{user_id}",
    responses={
        status.HTTP_404_NOT_FOUND: {"description": "No such user"},
        status.HTTP_409_CONFLICT: {
            "description": "Admins cannot change their own role or state, nor leave no admin"
        },
    },
)
async def update_user(
    user_id: Id, changes: UserAdminUpdate, admin: CurrentUser, session: SessionDep
) -> UserAdminView:
    """Change a user's role, or deactivate them: their sessions end, and they cannot log in until
    activated again."""
    if user_id == admin.id:
        # So that the last admin cannot lock everyone out by mistake.
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail="Admins cannot change their own role or state."
        )
    try:
        user = await service.change_user(session, user_id=user_id, changes=changes)
    except LastAdminError:
        raise last_admin() from None
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="User not found.")
    return UserAdminView.model_validate(user)
