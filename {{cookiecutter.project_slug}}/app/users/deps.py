"""The user that a path names, as a dependency that returns it: a route reads `user: ExistingUser`
(404 when there is none)."""

from typing import Annotated

from fastapi import Depends, HTTPException, status

from app.api.deps import Id, SessionDep
from app.users import service
from app.users.models import User


async def existing_user(user_id: Id, session: SessionDep) -> User:
    user = await service.get_user(session, user_id=user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="User not found.")
    return user


ExistingUser = Annotated[User, Depends(existing_user)]
