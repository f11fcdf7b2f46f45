from collections.abc import Sequence

{% if cookiecutter.auth == "oidc" -%}
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.identity import Identity
from app.users.models import User


async def user_of(session: AsyncSession, identity: Identity) -> User:
    """The user that the identity is: made the first time it comes, and given the names of its
    latest token.

    Two first requests at once make one user: the unique index on (issuer, subject) decides, and
    the request that loses reads the user that the other made.
    """
    user = await _user_of(session, identity)
    if user is None:
        user = User(
            issuer=identity.issuer,
            subject=identity.subject,
            username=identity.username,
            email=identity.email,
        )
        session.add(user)
        try:
            await session.commit()
        except IntegrityError:  # another request made them first: theirs it is
            await session.rollback()
            return await user_of(session, identity)
    elif (user.username, user.email) != (identity.username, identity.email):
        user.username, user.email = identity.username, identity.email
        await session.commit()
    return user


async def _user_of(session: AsyncSession, identity: Identity) -> User | None:
    return await session.scalar(
        select(User).where(User.issuer == identity.issuer, User.subject == identity.subject)
    )


async def set_active(session: AsyncSession, *, user_id: int, active: bool) -> User | None:
    """The user, activated or deactivated; None when there is no such user."""
    user = await session.scalar(
        update(User).where(User.id == user_id).values(is_active=active).returning(User)
    )
    await session.commit()
    return user
{%- else -%}
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import hash_password
from app.users.models import User


class DuplicateUserError(Exception):
    def __init__(self, field: str) -> None:
        self.field = field
        super().__init__(f"A user with this {field} already exists.")


{% if cookiecutter.auth == "jwt" -%}
async def create_user(
    session: AsyncSession, *, username: str, email: str, password: str, role: str = "user"
) -> User:
{%- else -%}
async def create_user(session: AsyncSession, *, username: str, email: str, password: str) -> User:
{%- endif %}
    """Create a user; raise DuplicateUserError when the username or the email is taken.

    There is no look-up first: the unique constraints decide, so two requests racing for one name
    end in one user and one DuplicateUserError, never in a server error.
    """
    hashed_password = await hash_password(password)
{%- if cookiecutter.auth == "jwt" %}
    user = User(username=username, email=email, hashed_password=hashed_password, role=role)
{%- else %}
    user = User(username=username, email=email, hashed_password=hashed_password)
{%- endif %}
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise DuplicateUserError(
            await _taken_field(session, username=username, email=email)
        ) from None
    return user


async def _taken_field(session: AsyncSession, *, username: str, email: str) -> str:
    taken = await session.scalars(
        select(User.username).where(or_(User.username == username, User.email == email))
    )
    return "username" if username in taken.all() else "email"
{%- endif %}


async def get_user(session: AsyncSession, *, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def list_users(session: AsyncSession, *, offset: int, limit: int) -> Sequence[User]:
    users = await session.scalars(select(User).order_by(User.id).offset(offset).limit(limit))
    return users.all()
