from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, status
from pydantic import BaseModel, ValidationError

from app.api.deps import SessionDep
from app.api.rate_limit import RateLimit
from app.auth import service
from app.auth.deps import CurrentUser
from app.auth.tokens import create_access_token
from app.users.schemas import Password, Username, UserPrivate

router = APIRouter()
login_rate_limit = RateLimit("login_rate_limit")


class LoginForm(BaseModel):
    """The OAuth2 password flow's form, as sent by clients and the docs' Authorize button."""

    grant_type: Literal["password"] | None = None
    username: str
    password: str


class Credentials(BaseModel):
    """Credentials that sign-up would have accepted: no other kind can match a user."""

    username: Username
    password: Password


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (a scheme's name, not a secret)


@router.post(
    "/auth/token",
    tags=["auth"],
    dependencies=[Depends(login_rate_limit)],
    responses={
        status.HTTP_401_UNAUTHORIZED: {"description": "Incorrect username or password"},
        status.HTTP_429_TOO_MANY_REQUESTS: {"description": "Too many logins"},
    },
)
async def login(form: Annotated[LoginForm, Form()], session: SessionDep) -> Token:
    """Exchange a username and password for an access token."""
    user_id = None
    try:
        credentials = Credentials.model_validate(form, from_attributes=True)
    except ValidationError:
        pass  # no look-up and no hashing for credentials that cannot match
    else:
        user_id = await service.authenticate(
            session,
            username=credentials.username,
            password=credentials.password.get_secret_value(),
        )
    if user_id is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Incorrect username or password.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Token(access_token=create_access_token(user_id))


@router.get("/users/me", tags=["users"])
async def read_me(current_user: CurrentUser) -> UserPrivate:
    """Read the signed-in user, email included."""
    return UserPrivate.model_validate(current_user)
