"""The signed-in user, as a dependency: `CurrentUser`."""

from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer

from app.api.deps import SessionDep
from app.auth.tokens import user_id_from_token
from app.users import service as users_service
from app.users.models import User

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token")


async def get_current_user(
    token: Annotated[str, Depends(oauth2_scheme)], session: SessionDep
) -> User:
    user_id = user_id_from_token(token)
    user = None if user_id is None else await users_service.get_user(session, user_id=user_id)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Invalid or expired token.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
# For routers whose every route needs a signed-in user.
signed_in = [Depends(get_current_user)]
