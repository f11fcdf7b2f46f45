from typing import Annotated, Literal

from pydantic import BaseModel, StringConstraints, field_validator

from app.core.text import StorableText
from app.users.schemas import Email, Password, Username, UserPrivate

# What a user may do: an admin also manages the other users (app/auth/admin.py).
Role = Literal["user", "admin"]

# A refresh token, or a mailed link's, is 43 characters: anything much longer is no token, and is
# not hashed.
SecretToken = Annotated[str, StorableText, StringConstraints(max_length=128)]


class LoginForm(BaseModel):
    """The OAuth2 password flow's form, as sent by clients and the docs' Authorize button."""

    grant_type: Literal["password"] | None = None
    username: str
    password: str


class Credentials(BaseModel):
    """Credentials that sign-up would have accepted: no other kind can match a user."""

    username: Username
    password: Password


class Token(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (a scheme's name, not a secret)
    expires_in: int  # seconds that the access token lasts


class Refresh(BaseModel):
    refresh_token: SecretToken


class PasswordChange(BaseModel):
    current_password: Password
    new_password: Password


class AccountDeletion(BaseModel):
    password: Password


class EmailChange(BaseModel):
    email: Email
    password: Password


class LinkToken(BaseModel):
    """The token that a mailed link carries."""

    token: SecretToken


class PasswordResetRequest(BaseModel):
    email: Email


class PasswordReset(BaseModel):
    token: SecretToken
    new_password: Password


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
