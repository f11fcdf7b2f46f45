{% if cookiecutter.auth == "oidc" -%}
from pydantic import BaseModel, ConfigDict

from app.core.updates import Omittable
{%- else -%}
import unicodedata
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    SecretStr,
    StringConstraints,
)

from app.core.text import StorableText
from app.users.models import EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH

USERNAME_PATTERN = r"^[A-Za-z0-9_.-]+$"
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128


def _nfkc(value: object) -> object:
    # Look-alike forms (fullwidth letters, ligatures) become the plain letters they stand for.
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


# Usernames and emails ignore case: they are stored lower-cased, so the plain unique constraints
# refuse `Alice` after `alice` on every database, and logging in works whatever the case.
Username = Annotated[
    str,
    StorableText,
    StringConstraints(min_length=3, max_length=USERNAME_MAX_LENGTH, pattern=USERNAME_PATTERN),
    AfterValidator(str.lower),
]
Email = Annotated[
    EmailStr,
    StorableText,
    BeforeValidator(_nfkc),
    Field(max_length=EMAIL_MAX_LENGTH),
    AfterValidator(str.lower),
]
Password = Annotated[
    SecretStr,
    StorableText,
    Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH),
]


class UserCreate(BaseModel):
    username: Username
    email: Email
    password: Password
{%- endif %}


class UserPublic(BaseModel):
    """What anyone may see of a user."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str


class UserPrivate(UserPublic):
    """What users see of themselves."""

{%- if cookiecutter.auth == "oidc" %}

    email: str | None


class UserAdminView(UserPrivate):
    """What an admin sees of a user."""

    is_active: bool


class UserAdminUpdate(BaseModel):
    """Fields to change; a field left out keeps its value."""

    is_active: Omittable[bool] = None
{%- else %}

    email: str
{%- endif %}
