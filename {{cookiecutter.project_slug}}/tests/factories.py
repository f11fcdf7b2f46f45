"""Builders for test data: each call makes a new valid row; a field given overrides its default."""

from itertools import count

from sqlalchemy.ext.asyncio import AsyncSession

from app.items import service as items_service
from app.items.models import Item
from app.users.models import User
from tests import clients

_sequence = count(1)


async def create_user(session: AsyncSession, **fields: str) -> User:
    """A user, made as this project's users are (tests/clients.py)."""
    return await clients.create_user(session, **fields)


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
