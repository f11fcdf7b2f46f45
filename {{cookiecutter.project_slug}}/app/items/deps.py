"""The item that a path names, as dependencies that return it or refuse the request: a route reads
`item: ExistingItem` (404 when there is none)."""

from typing import Annotated

from fastapi import Depends, HTTPException, status

from app.api.deps import Id, SessionDep
{%- if cookiecutter.auth != "none" %}
from app.auth.deps import CurrentUser
{%- endif %}
from app.items import service
from app.items.models import Item


def not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail="Item not found.")


async def existing_item(item_id: Id, session: SessionDep) -> Item:
    item = await service.get_item(session, item_id=item_id)
    if item is None:
        raise not_found()
    return item


ExistingItem = Annotated[Item, Depends(existing_item)]
{%- if cookiecutter.auth != "none" %}


async def owned_item(current_user: CurrentUser, item: ExistingItem) -> Item:
    """The item, if the signed-in user owns it: 403 otherwise. The sign-in is checked first."""
    if item.owner_id != current_user.id:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail="Only the item's owner may change it."
        )
    return item


OwnedItem = Annotated[Item, Depends(owned_item)]
{%- endif %}
