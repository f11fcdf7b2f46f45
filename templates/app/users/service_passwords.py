from collections.abc import Sequence

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


async def get_user(session: AsyncSession, *, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def list_users(session: AsyncSession, *, offset: int, limit: int) -> Sequence[User]:
    users = await session.scalars(select(User).order_by(User.id).offset(offset).limit(limit))
    return users.all()
