"""Sessions: log in, refresh, log out (here or everywhere)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from pydantic import ValidationError

from app.api.deps import SessionDep
from app.api.rate_limit import RateLimit, client_address
from app.auth import guessing, service
from app.auth.deps import CurrentSession
from app.auth.schemas import Credentials, LoginForm, Refresh, Token
from app.core.config import get_settings

router = APIRouter(prefix="/auth", tags=["auth"])
login_rate_limit = RateLimit("login_rate_limit")
UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


@router.post(
    "/token",
    dependencies=[Depends(login_rate_limit)],
    responses={
        status.HTTP_401_UNAUTHORIZED: {"description": "Incorrect username or password"},
        status.HTTP_403_FORBIDDEN: {"description": "Email address not verified yet"},
        status.HTTP_429_TOO_MANY_REQUESTS: {
            "description": "Too many logins from this address, or to this account"
        },
    },
)
async def login(form: Annotated[LoginForm, Form()], session: SessionDep, request: Request) -> Token:
    """Exchange a username and password for an access token and a refresh token: a new session."""
    user = None
    address = client_address(request)
    try:
        credentials = Credentials.model_validate(form, from_attributes=True)
    except ValidationError:
        pass  # no look-up and no hashing for credentials that cannot match
    else:
        await guessing.check(credentials.username, address)
        user = await service.authenticate(
            session,
            username=credentials.username,
            password=credentials.password.get_secret_value(),
        )
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Incorrect username or password.",
            headers=UNAUTHORIZED,
        )
    if get_settings().require_verified_email and not user.email_verified:
        # Said only to whoever knows the password.
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail="Verify your email address first: follow the link mailed to it.",
        )
    await guessing.remember(user.username, address)
    return await service.start_session(session, user.id)


@router.post(
    "/refresh",
    responses={status.HTTP_401_UNAUTHORIZED: {"description": "Invalid or expired refresh token"}},
)
async def refresh(body: Refresh, session: SessionDep) -> Token:
    """Exchange a refresh token, once, for new tokens of the same session. Using one a second
    time ends its session."""
    tokens = await service.refresh(session, body.refresh_token)
    if tokens is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Invalid or expired refresh token.",
            headers=UNAUTHORIZED,
        )
    return tokens


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def log_out(signed_in: CurrentSession, session: SessionDep) -> None:
    """End this session: its access and refresh tokens stop working at once."""
    await service.log_out(session, signed_in.claims, everywhere=False)


@router.post("/logout-all", status_code=status.HTTP_204_NO_CONTENT)
async def log_out_everywhere(signed_in: CurrentSession, session: SessionDep) -> None:
    """End every session of the signed-in user, this one too."""
    await service.log_out(session, signed_in.claims, everywhere=True)
