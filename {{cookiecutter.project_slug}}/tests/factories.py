"""Builders for test data: each call makes a new valid row; a field given overrides its default."""

from itertools import count

{% if cookiecutter.auth != "oidc" -%}
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
{% endif -%}
from sqlalchemy.ext.asyncio import AsyncSession

{% if cookiecutter.auth == "oidc" -%}
from app.auth.identity import Identity
{% endif -%}
from app.items import service as items_service
from app.items.models import Item
from app.users import service as users_service
from app.users.models import User
{%- if cookiecutter.auth == "oidc" %}
from tests.identity_provider import ISSUER
{%- else %}

DEFAULT_PASSWORD = "correct horse battery staple"
# argon2id at its lowest cost: a test needs a valid hash, not a slow one.
CHEAP_PASSWORD_HASH = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
{%- endif %}

_sequence = count(1)


{% if cookiecutter.auth == "oidc" -%}
async def create_user(
    session: AsyncSession, *, username: str | None = None, email: str | None = None
) -> User:
    """A user as their first token makes them, a subject of the tests' provider."""
    n = next(_sequence)
    identity = Identity(
        issuer=ISSUER.url,
        subject=f"subject-{n}",
        username=username or f"user{n}",
        email=email or f"user{n}@example.com",
        roles=frozenset(),
    )
    return await users_service.user_of(session, identity)
{%- else -%}
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
{%- endif %}


async def create_item(
    session: AsyncSession,
    *,
    name: str | None = None,
    price: float = 9.5,
    description: str | None = None,
{%- if cookiecutter.auth != "none" %}
    owner: User | None = None,
{%- endif %}
) -> Item:
    item = Item(name=name or f"item {next(_sequence)}", price=price, description=description)
{%- if cookiecutter.auth != "none" %}
    item.owner_id = (owner or await create_user(session)).id
{%- endif %}
    return await items_service.create_item(session, item=item)
