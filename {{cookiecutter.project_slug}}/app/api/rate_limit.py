"""Rate limits per client address, counted where RATE_LIMIT_STORAGE_URI says."""

import math
import time
from functools import cache
from typing import Any

from fastapi import HTTPException, Request, status
from limits import parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from app.core.config import get_settings


def rate_limiter(storage_uri: str, **options: Any) -> MovingWindowRateLimiter:
    """A limiter counting in the storage at this URI (memory:// or redis://...), made with these
    options for the storage (e.g. a Redis connection_pool)."""
    storage = storage_from_string(f"async+{storage_uri}", implementation="redispy", **options)
    return MovingWindowRateLimiter(storage)


@cache
def get_rate_limiter() -> MovingWindowRateLimiter:
    """The app's limiter, on the storage that the settings name (made on first use)."""
    return rate_limiter(get_settings().rate_limit_storage_uri)


class RateLimit:
    """A dependency that answers 429, with Retry-After, to a client address over its limit.

    `setting` names the setting that holds the limit (e.g. "10/minute"), read at each request;
    it also keeps this limit's counts apart from the others'.
    """

    def __init__(self, setting: str) -> None:
        self.setting = setting

    async def __call__(self, request: Request) -> None:
        limit = parse(getattr(get_settings(), self.setting))
        address = request.client.host if request.client else "unknown"
        limiter = get_rate_limiter()
        if await limiter.hit(limit, self.setting, address):
            return
        reset_at, _ = await limiter.get_window_stats(limit, self.setting, address)
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail="Too many requests: try again later.",
            headers={"Retry-After": str(max(1, math.ceil(reset_at - time.time())))},
        )
