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
{%- else -%}
from fastapi import APIRouter

from app.api.deps import Limit, Offset, SessionDep
from app.users import service
from app.users.deps import ExistingUser
from app.users.schemas import UserPublic

# Reading users, which app/main.py puts behind a sign-in (signing up is app/accounts/router.py's: it
# mails a link that verifies the address).
directory = APIRouter(prefix="/users", tags=["users"])
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
