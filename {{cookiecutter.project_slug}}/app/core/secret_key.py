"""The key that signs access tokens: strong outside local development, made up within it."""

import math
import secrets
from collections import Counter
from typing import Annotated

from pydantic import AfterValidator, SecretStr, ValidationInfo

from app.core.environment import DEVELOPMENT

MIN_SECRET_KEY_LENGTH = 32
# A key's strength, judged from how often each of its characters appears in it (its length times
# the entropy of its characters): 256 random bits measure at least 181 written in hex, base64 or
# urlsafe base64 (the least of 100,000 draws of each); "changeme" repeated to 32 characters, 88.
MIN_SECRET_KEY_BITS = 170
GENERATE_A_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
NO_SECRET_KEY = SecretStr("")


def secret_key_problem(key: str) -> str | None:
    """What makes this key too weak to sign tokens with, or None."""
    if not key:
        return "is not set"
    if len(key.strip()) < MIN_SECRET_KEY_LENGTH:
        return f"is shorter than {MIN_SECRET_KEY_LENGTH} characters (spaces aside)"
    if estimated_bits(key) < MIN_SECRET_KEY_BITS:
        return "repeats its characters too much to be random"
    return None


def estimated_bits(key: str) -> float:
    """The key's length times the Shannon entropy of its characters, in bits."""
    return -sum(count * math.log2(count / len(key)) for count in Counter(key).values())


def _strong_outside_local_development(key: SecretStr, info: ValidationInfo) -> SecretStr:
    # Reads the environment and the workers, which the settings declare before the key.
    environment, workers = info.data.get("environment"), info.data.get("web_concurrency", 1)
    if environment not in DEVELOPMENT:
        if problem := secret_key_problem(key.get_secret_value()):
            raise ValueError(
                f"{problem}, and ENVIRONMENT is {environment}: generate a key with {GENERATE_A_KEY}"
            )
        return key
    if key.get_secret_value():
        return key
    if workers > 1:
        # Each worker would make a key of its own, and refuse the tokens the others signed.
        raise ValueError(
            f"is not set, and WEB_CONCURRENCY is {workers}: the workers must share one key; "
            f"generate one with {GENERATE_A_KEY}"
        )
    return SecretStr(secrets.token_urlsafe(32))


# Unset locally, a random key is made at each start, which signs everyone out on a restart.
SecretKey = Annotated[SecretStr, AfterValidator(_strong_outside_local_development)]
