from pydantic import BaseModel

from app.auth.schemas import SecretToken
from app.users.schemas import Email, Password


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
