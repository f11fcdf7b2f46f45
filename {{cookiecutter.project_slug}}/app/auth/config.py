"""Settings of the access tokens, read like the app's own from the environment and `.env`."""

import secrets
from functools import lru_cache
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.core.config import get_settings

MIN_SECRET_KEY_LENGTH = 32


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Signs the tokens. Outside local development it must be set; locally a random one is made at
    # each start, which signs everyone out on a restart and differs between worker processes.
    secret_key: SecretStr = Field(default_factory=lambda: SecretStr(secrets.token_urlsafe(32)))
    access_token_minutes: int = Field(default=30, ge=1)

    @model_validator(mode="after")
    def _secret_key_set_outside_local_development(self) -> Self:
        environment = get_settings().environment
        if environment in {"local", "test"}:
            return self
        if (
            "secret_key" not in self.model_fields_set
            or len(self.secret_key.get_secret_value()) < MIN_SECRET_KEY_LENGTH
        ):
            raise ValueError(
                f"SECRET_KEY must be set, to at least {MIN_SECRET_KEY_LENGTH} characters, "
                f"when ENVIRONMENT is {environment}"
            )
        return self


@lru_cache
def get_auth_settings() -> AuthSettings:
    return AuthSettings()
