"""Users as dependencies that return them: a route reads `user: ExistingUser`, the user that the
path names (404 when there is none), or, where users sign up, `user: NewUser`, the user that a
sign-up's body makes (409 when the username or the email is taken)."""

from typing import Annotated

from fastapi import Depends, HTTPException, status

from app.api.deps import Id, SessionDep
from app.users import service
from app.users.models import User
{%- if cookiecutter.auth != "oidc" %}
from app.users.schemas import UserCreate
{%- endif %}


async def existing_user(user_id: Id, session: SessionDep) -> User:
    user = await service.get_user(session, user_id=user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="User not found.")
    return user


ExistingUser = Annotated[User, Depends(existing_user)]
{%- if cookiecutter.auth != "oidc" %}


async def new_user(user_in: UserCreate, session: SessionDep) -> User:
    try:
        return await service.create_user(
            session,
            username=user_in.username,
            email=user_in.email,
            password=user_in.password.get_secret_value(),
        )
    except service.DuplicateUserError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from exc


NewUser = Annotated[User, Depends(new_user)]
{%- endif %}
