{% if cookiecutter.auth == "none" -%}
from fastapi import APIRouter, Depends, status

from app.api.deps import Limit, Offset, SessionDep
from app.api.rate_limit import RateLimit
from app.users import service
from app.users.deps import ExistingUser, NewUser
from app.users.schemas import UserPrivate, UserPublic

# Signing up, open to anyone; reading users, which app/main.py may put behind a sign-in.
router = APIRouter(prefix="/users", tags=["users"])
directory = APIRouter(prefix="/users", tags=["users"])
sign_up_rate_limit = RateLimit("sign_up_rate_limit")


@router.post(
    "/",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(sign_up_rate_limit)],
    responses={status.HTTP_429_TOO_MANY_REQUESTS: {"description": "Too many sign-ups"}},
)
async def create_user(user: NewUser) -> UserPrivate:
    """Sign up."""
    return UserPrivate.model_validate(user)
{%- elif cookiecutter.auth == "jwt" -%}
from fastapi import APIRouter

from app.api.deps import Limit, Offset, SessionDep
from app.users import service
from app.users.deps import ExistingUser
from app.users.schemas import UserPublic

# Reading users, which app/main.py puts behind a sign-in (signing up is app/accounts/router.py's: it
# mails a link that verifies the address).
directory = APIRouter(prefix="/users", tags=["users"])
{%- else -%}
from fastapi import APIRouter, HTTPException, status

from app.api.deps import Id, Limit, Offset, SessionDep
from app.auth.deps import CurrentUser, admin_only
from app.users import service
from app.users.deps import ExistingUser
from app.users.schemas import UserAdminUpdate, UserAdminView, UserPrivate, UserPublic

# Reading users, which app/main.py puts behind a sign-in; what admins alone may do. Users are made
# by their first request with a token (app/auth/deps.py): there is no sign-up.
directory = APIRouter(prefix="/users", tags=["users"])
admin = APIRouter(prefix="/admin", tags=["admin"], dependencies=admin_only)


@directory.get("/me")
async def read_me(user: CurrentUser) -> UserPrivate:
    """Read the signed-in user, as the provider's latest token named them."""
    return UserPrivate.model_validate(user)
{%- endif %}


@directory.get("/")
async def list_users(
    session: SessionDep, offset: Offset = 0, limit: Limit = 20
) -> list[UserPublic]:
    """List users by id: ids and usernames only."""
    users = await service.list_users(session, offset=offset, limit=limit)
    return [UserPublic.model_validate(user) for user in users]


# `:int`: `/users/me`, or any other word, never reaches this route, whatever order the routers
# are included in.
@directory.get("/{user_id:int}")
async def read_user(user: ExistingUser) -> UserPublic:
    """Read one user's id and username."""
    return UserPublic.model_validate(user)
{%- if cookiecutter.auth == "oidc" %}


@admin.get("/users/")
async def list_users_for_admins(
    session: SessionDep, offset: Offset = 0, limit: Limit = 20
) -> list[UserAdminView]:
    """List users by id, with their emails and states."""
    users = await service.list_users(session, offset=offset, limit=limit)
    return [UserAdminView.model_validate(user) for user in users]


@admin.patch(
    "/users/{user_id}",
    responses={
        status.HTTP_404_NOT_FOUND: {"description": "No such user"},
        status.HTTP_409_CONFLICT: {"description": "Admins cannot deactivate themselves"},
    },
)
async def update_user(
    user_id: Id, changes: UserAdminUpdate, me: CurrentUser, session: SessionDep
) -> UserAdminView:
    """Deactivate a user here, whatever the provider says of them, or activate them again."""
    if user_id == me.id:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="Admins cannot deactivate themselves.")
    if changes.is_active is None:
        user = await service.get_user(session, user_id=user_id)
    else:
        user = await service.set_active(session, user_id=user_id, active=changes.is_active)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="User not found.")
    return UserAdminView.model_validate(user)
{%- endif %}
