"""Settings of the access tokens and the login, read like the app's own."""

import secrets
from functools import lru_cache
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings

from app.core.config import DEVELOPMENT, SETTINGS_CONFIG, Environment, RateLimit

MIN_SECRET_KEY_LENGTH = 32
# A key typed by hand ("xxxx...", "changeme" repeated) shows few distinct characters; a generated
# one of 43 characters has about 30.
MIN_SECRET_KEY_CHARACTERS = 16
GENERATE_A_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


def secret_key_problem(key: str) -> str | None:
    """What makes this key too weak to sign tokens with, or None."""
    if len(key.strip()) < MIN_SECRET_KEY_LENGTH:
        return f"is shorter than {MIN_SECRET_KEY_LENGTH} characters (spaces aside)"
    if len(set(key)) < MIN_SECRET_KEY_CHARACTERS:
        return f"has fewer than {MIN_SECRET_KEY_CHARACTERS} different characters"
    return None


class AuthSettings(BaseSettings):
    model_config = SETTINGS_CONFIG

    environment: Environment = "local"
    # Signs the tokens. Outside local development it must be set, and strong; locally, when unset,
    # a random key is made at each start, which signs everyone out on a restart.
    secret_key: SecretStr = Field(default_factory=lambda: SecretStr(secrets.token_urlsafe(32)))
    access_token_minutes: int = Field(default=30, ge=1)
    login_rate_limit: RateLimit = "10/minute"

    @model_validator(mode="after")
    def _strong_secret_key_outside_local_development(self) -> Self:
        if self.environment in DEVELOPMENT:
            return self
        problem = (
            secret_key_problem(self.secret_key.get_secret_value())
            if "secret_key" in self.model_fields_set
            else "is not set"
        )
        if problem:
            raise ValueError(
                f"SECRET_KEY {problem}, and ENVIRONMENT is {self.environment}: "
                f"generate a key with {GENERATE_A_KEY}"
            )
        return self


@lru_cache
def get_auth_settings() -> AuthSettings:
    return AuthSettings()
