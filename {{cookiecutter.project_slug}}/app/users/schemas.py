from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    SecretStr,
    StringConstraints,
)

from app.users.models import EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH

Username = Annotated[
    str,
    StringConstraints(min_length=3, max_length=USERNAME_MAX_LENGTH, pattern=r"^[A-Za-z0-9_.-]+$"),
]
Email = Annotated[EmailStr, Field(max_length=EMAIL_MAX_LENGTH), AfterValidator(str.lower)]
Password = Annotated[SecretStr, Field(min_length=8, max_length=128)]


class UserCreate(BaseModel):
    username: Username
    email: Email
    password: Password


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    email: str
