from typing import Literal

from pydantic import BaseModel

from app.core.updates import Omittable
from app.users.schemas import UserPrivate

# What a user may do: an admin also manages the other users (app/admin/router.py).
Role = Literal["user", "admin"]


class UserAdminView(UserPrivate):
    """What an admin sees of a user."""

    role: Role
    is_active: bool


class UserAdminUpdate(BaseModel):
    """Fields to change; a field left out keeps its value."""

    role: Omittable[Role] = None
    is_active: Omittable[bool] = None
