"""Builders for test data: each call makes a new valid row; a field given overrides its default."""

from itertools import count

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy.ext.asyncio import AsyncSession

from app.items import service as items_service
from app.items.models import Item
from app.users import service as users_service
from app.users.models import User

DEFAULT_PASSWORD = "correct horse battery staple"
# argon2id at its lowest cost: a test needs a valid hash, not a slow one.
CHEAP_PASSWORD_HASH = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))

_sequence = count(1)


def sign_up(username: str) -> dict[str, str]:
    """The body of `POST /users/` that signs up a new user of this name."""
    return {"username": username, "email": f"{username}@example.com", "password": "s3cret!!"}


async def create_user(
    session: AsyncSession,
    *,
    username: str | None = None,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
) -> User:
    n = next(_sequence)
    return await users_service.create_user(
        session,
        username=username or f"user{n}",
        email=email or f"user{n}@example.com",
        password=password,
    )


async def create_item(
    session: AsyncSession,
    *,
    name: str | None = None,
    price: float = 9.5,
    description: str | None = None,
{%- if cookiecutter.auth == "jwt" %}
    owner: User | None = None,
{%- endif %}
) -> Item:
    item = Item(name=name or f"item {next(_sequence)}", price=price, description=description)
{%- if cookiecutter.auth == "jwt" %}
    item.owner_id = (owner or await create_user(session)).id
{%- endif %}
    return await items_service.create_item(session, item=item)
