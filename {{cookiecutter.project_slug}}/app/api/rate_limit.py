"""Rate limits per client address (or per account), counted where RATE_LIMIT_STORAGE_URI says.

When a shared storage fails or does not answer in time (a Redis server down, frozen or unreachable),
requests go through unlimited: a rate limit guards the service, and an outage of its counter
should not take the service down with it (the password hashing that the limits protect is still
bounded by its own queue, app/core/security.py). The outage is one warning when it starts and one
when it ends, and the storage is tried again at most every OUTAGE_RETRY_SECONDS meanwhile.
"""

import asyncio
import ipaddress
import logging
import math
import time
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any, TypeVar

from fastapi import HTTPException, Request, status
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string

from app.core.config import get_settings
from app.core.outage import Outage

# Longest a request waits for a shared storage: a Redis server answers in well under a millisecond,
# and a busy event loop may add tenths of a second.
STORAGE_TIMEOUT_SECONDS = 0.5
OUTAGE_RETRY_SECONDS = 5

logger = logging.getLogger(__name__)
T = TypeVar("T")


def rate_limiter(storage_uri: str, **options: Any) -> MovingWindowRateLimiter:
    """A limiter counting in the storage at this URI (memory:// or redis://...), made with these
    options for the storage (e.g. a Redis connection_pool)."""
    storage = storage_from_string(
        f"async+{storage_uri}", implementation="redispy", wrap_exceptions=True, **options
    )
    return MovingWindowRateLimiter(storage)


@cache
def get_rate_limiter() -> MovingWindowRateLimiter:
    """The app's limiter, on the storage that the settings name (made on first use)."""
    return rate_limiter(get_settings().rate_limit_storage_uri)


outage = Outage(
    logger,
    failing="Rate limits are off: their storage failed (%s); trying it again every "
    f"{OUTAGE_RETRY_SECONDS} s",
    answering="Rate limits are on again: their storage answers after %.0f s",
    timeout_seconds=STORAGE_TIMEOUT_SECONDS,
    retry_seconds=OUTAGE_RETRY_SECONDS,
)


class RateLimit:
    """A dependency that answers 429, with Retry-After, to a client address over its limit.

    `setting` names the setting that holds the limit (e.g. "10/minute"), read at each request;
    it also keeps this limit's counts apart from the others'.
    """

    def __init__(self, setting: str) -> None:
        self.setting = setting

    async def __call__(self, request: Request) -> None:
        await self.hit(client_address(request))

    async def hit(self, counted: str) -> None:
        """Count a request of whom `counted` names (a client address, an account); 429 when
        they are over the limit."""
        limit = parse(getattr(get_settings(), self.setting))
        retry_after = await in_storage(
            lambda limiter: _retry_after(limiter, limit, self.setting, counted), default=None
        )
        if retry_after is not None:
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                detail="Too many requests: try again later.",
                headers={"Retry-After": str(retry_after)},
            )


async def in_storage(
    operation: Callable[[MovingWindowRateLimiter], Awaitable[T]], *, default: T
) -> T:
    """The operation on the app's limiter and its storage; `default` while a shared storage is
    out (failing, or slower than the outage's timeout), whose outage is logged once each way."""
    limiter = get_rate_limiter()
    if isinstance(limiter.storage, MemoryStorage):  # in this process: it cannot fail
        return await operation(limiter)
    if outage.waiting():
        return default
    try:
        async with asyncio.timeout(outage.timeout_seconds):
            result = await operation(limiter)
    except (StorageError, TimeoutError) as error:
        outage.failed(error)
        return default
    outage.ended()
    return result


def client_address(request: Request) -> str:
    """The client's address, which the limits count by; one shared bucket for whatever is not an
    address (a proxy's header that did not parse), so that made-up values buy no fresh limits."""
    host = request.client.host if request.client else ""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return "not-an-address"


async def _retry_after(
    limiter: MovingWindowRateLimiter, limit: RateLimitItem, setting: str, counted: str
) -> int | None:
    """Count this request; None if it is within the limit, else the seconds to wait."""
    if await limiter.hit(limit, setting, counted):
        return None
    reset_at, _ = await limiter.get_window_stats(limit, setting, counted)
    return max(1, math.ceil(reset_at - time.time()))
