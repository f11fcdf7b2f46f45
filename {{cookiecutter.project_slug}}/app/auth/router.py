"""Sessions and the signed-in user's own account: log in, refresh, log out (here or everywhere),
read yourself, change your password, delete your account."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, status
from pydantic import ValidationError

from app.api.deps import SessionDep
from app.api.rate_limit import RateLimit
from app.auth import service
from app.auth.deps import CurrentSession, CurrentUser, per_account
from app.auth.schemas import AccountDeletion, Credentials, LoginForm, PasswordChange, Refresh, Token
from app.users.schemas import UserPrivate

router = APIRouter()
login_rate_limit = RateLimit("login_rate_limit")
# Password checks of a signed-in user (a change, a deletion): per client address and per account,
# so that a stolen access token cannot try passwords at length, from one address or many.
password_rate_limit = RateLimit("password_rate_limit")
password_checks = [Depends(password_rate_limit), Depends(per_account(password_rate_limit))]

Responses = dict[int | str, dict[str, Any]]
UNAUTHORIZED = {"headers": {"WWW-Authenticate": "Bearer"}}
TOO_MANY: Responses = {status.HTTP_429_TOO_MANY_REQUESTS: {"description": "Too many attempts"}}
WRONG_PASSWORD: Responses = {status.HTTP_403_FORBIDDEN: {"description": "Incorrect password"}}


def token(tokens: service.Tokens) -> Token:
    return Token(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_in=tokens.expires_in,
    )


def incorrect_password() -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, detail="Incorrect password.")


@router.post(
    "/auth/token",
    tags=["auth"],
    dependencies=[Depends(login_rate_limit)],
    responses={
        status.HTTP_401_UNAUTHORIZED: {"description": "Incorrect username or password"},
        **TOO_MANY,
    },
)
async def login(form: Annotated[LoginForm, Form()], session: SessionDep) -> Token:
    """Exchange a username and password for an access token and a refresh token: a new session."""
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
            status.HTTP_401_UNAUTHORIZED, detail="Incorrect username or password.", **UNAUTHORIZED
        )
    return token(await service.start_session(session, user_id))


@router.post(
    "/auth/refresh",
    tags=["auth"],
    responses={status.HTTP_401_UNAUTHORIZED: {"description": "Invalid or expired refresh token"}},
)
async def refresh(body: Refresh, session: SessionDep) -> Token:
    """Exchange a refresh token, once, for new tokens of the same session. Using one a second
    time ends its session."""
    tokens = await service.refresh(session, body.refresh_token)
    if tokens is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, detail="Invalid or expired refresh token.", **UNAUTHORIZED
        )
    return token(tokens)


@router.post("/auth/logout", tags=["auth"], status_code=status.HTTP_204_NO_CONTENT)
async def log_out(signed_in: CurrentSession, session: SessionDep) -> None:
    """End this session: its access and refresh tokens stop working at once."""
    await service.log_out(session, signed_in.claims, everywhere=False)


@router.post("/auth/logout-all", tags=["auth"], status_code=status.HTTP_204_NO_CONTENT)
async def log_out_everywhere(signed_in: CurrentSession, session: SessionDep) -> None:
    """End every session of the signed-in user, this one too."""
    await service.log_out(session, signed_in.claims, everywhere=True)


@router.get("/users/me", tags=["users"])
async def read_me(current_user: CurrentUser) -> UserPrivate:
    """Read the signed-in user, email included."""
    return UserPrivate.model_validate(current_user)


@router.put(
    "/users/me/password",
    tags=["users"],
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=password_checks,
    responses={**WRONG_PASSWORD, **TOO_MANY},
)
async def change_password(
    change: PasswordChange, signed_in: CurrentSession, session: SessionDep
) -> None:
    """Change your password: the current one is required. Every other session ends."""
    changed = await service.change_password(
        session,
        signed_in.user,
        signed_in.claims,
        current=change.current_password.get_secret_value(),
        new=change.new_password.get_secret_value(),
    )
    if not changed:
        raise incorrect_password()


@router.delete(
    "/users/me",
    tags=["users"],
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=password_checks,
    responses={**WRONG_PASSWORD, **TOO_MANY},
)
async def delete_account(
    deletion: AccountDeletion, current_user: CurrentUser, session: SessionDep
) -> None:
    """Delete your account, with your password: your sessions and your items go with it."""
    deleted = await service.delete_account(
        session, current_user, password=deletion.password.get_secret_value()
    )
    if not deleted:
        raise incorrect_password()
