import re
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from app.api.deps import SessionDep
from app.auth import service
from app.auth.tokens import create_access_token
from app.users.schemas import PASSWORD_MAX_LENGTH, USERNAME_PATTERN

router = APIRouter(prefix="/auth", tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (a scheme's name, not a secret)


@router.post("/token")
async def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep
) -> Token:
    """Exchange a username and password for an access token."""
    user = None
    # Credentials that sign-up would have refused cannot match: no look-up, no hashing for them.
    if re.fullmatch(USERNAME_PATTERN, form.username) and len(form.password) <= PASSWORD_MAX_LENGTH:
        user = await service.authenticate(session, username=form.username, password=form.password)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Incorrect username or password.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Token(access_token=create_access_token(user.id))
