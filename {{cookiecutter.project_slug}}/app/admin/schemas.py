from typing import Literal

from pydantic import BaseModel, field_validator

from app.users.schemas import UserPrivate

# What a user may do: an admin also manages the other users (app/admin/router.py).
Role = Literal["user", "admin"]


class UserAdminView(UserPrivate):
    """What an admin sees of a user."""

    role: Role
    is_active: bool


class UserAdminUpdate(BaseModel):
    """Fields to change; a field left out keeps its value."""

    role: Role | None = None
    is_active: bool | None = None

    @field_validator("role", "is_active")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # These may be left out, but not set to null: the columns require a value.
        if value is None:
            raise ValueError("may be omitted, but not null")
        return value
