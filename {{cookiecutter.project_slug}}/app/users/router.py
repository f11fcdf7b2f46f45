from fastapi import APIRouter, Depends, HTTPException, status

from app.api.deps import Id, Limit, Offset, SessionDep
from app.api.rate_limit import RateLimit
from app.users import service
from app.users.schemas import UserCreate, UserPrivate, UserPublic

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
async def create_user(user_in: UserCreate, session: SessionDep) -> UserPrivate:
    """Sign up."""
    try:
        user = await service.create_user(
            session,
            username=user_in.username,
            email=user_in.email,
            password=user_in.password.get_secret_value(),
        )
    except service.DuplicateUserError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from exc
    return UserPrivate.model_validate(user)


@directory.get("/")
async def list_users(
    session: SessionDep, offset: Offset = 0, limit: Limit = 20
) -> list[UserPublic]:
    """List users by id: ids and usernames only."""
    users = await service.list_users(session, offset=offset, limit=limit)
    return [UserPublic.model_validate(user) for user in users]


@directory.get("/{user_id}")
async def read_user(user_id: Id, session: SessionDep) -> UserPublic:
    """Read one user's id and username."""
    user = await service.get_user(session, user_id=user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="User not found.")
    return UserPublic.model_validate(user)
