"""The key that signs access tokens: strong outside local development, made up within it."""

import secrets
from typing import Annotated

from pydantic import AfterValidator, SecretStr, ValidationInfo

from app.core.environment import DEVELOPMENT

MIN_SECRET_KEY_LENGTH = 32
# A key typed by hand ("xxxx...", "changeme" repeated) has few different characters; a generated
# one of 43 characters has about 30.
MIN_SECRET_KEY_CHARACTERS = 16
GENERATE_A_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
NO_SECRET_KEY = SecretStr("")


def secret_key_problem(key: str) -> str | None:
    """What makes this key too weak to sign tokens with, or None."""
    if not key:
        return "is not set"
    if len(key.strip()) < MIN_SECRET_KEY_LENGTH:
        return f"is shorter than {MIN_SECRET_KEY_LENGTH} characters (spaces aside)"
    if len(set(key)) < MIN_SECRET_KEY_CHARACTERS:
        return f"has fewer than {MIN_SECRET_KEY_CHARACTERS} different characters"
    return None


def _strong_outside_local_development(key: SecretStr, info: ValidationInfo) -> SecretStr:
    # Reads the environment, which the settings declare before the key.
    environment = info.data.get("environment")
    if environment in DEVELOPMENT:
        return key if key.get_secret_value() else SecretStr(secrets.token_urlsafe(32))
    if problem := secret_key_problem(key.get_secret_value()):
        raise ValueError(
            f"{problem}, and ENVIRONMENT is {environment}: generate a key with {GENERATE_A_KEY}"
        )
    return key


# Unset locally, a random key is made at each start, which signs everyone out on a restart.
SecretKey = Annotated[SecretStr, AfterValidator(_strong_outside_local_development)]
