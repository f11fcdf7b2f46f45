from typing import Annotated, Literal

from pydantic import BaseModel, StringConstraints

from app.core.text import StorableText
from app.users.schemas import Password, Username

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
