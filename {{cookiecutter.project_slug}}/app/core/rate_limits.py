"""The rate limits as settings: a rate, and the storages that the counts can be kept in (the
limiter itself is app/api/rate_limit.py)."""

from typing import Annotated

from limits import parse
from pydantic import AfterValidator

# The storages that the rate limits can count in, with the Redis client the project installs.
RATE_LIMIT_STORAGES = {"memory", "redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster"}


def _rate_limit(value: str) -> str:
    parse(value)  # raises ValueError for anything but e.g. "10/minute" or "100 per hour"
    return value


RateLimit = Annotated[str, AfterValidator(_rate_limit)]
