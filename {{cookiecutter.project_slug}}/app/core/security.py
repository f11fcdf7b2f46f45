"""Password hashing, off the event loop and never more at once than the machine has cores."""

import os
from functools import cache

from anyio import CapacityLimiter, to_thread
from pwdlib import PasswordHash

# argon2id at the library's recommended cost: about 100 ms of CPU per hash. Hashing runs in worker
# threads, at most one per core: a flood of logins queues here instead of starving the event loop
# and the other requests of CPU.
password_hash = PasswordHash.recommended()
password_work = CapacityLimiter(os.cpu_count() or 1)


async def hash_password(password: str) -> str:
    return await to_thread.run_sync(password_hash.hash, password, limiter=password_work)


async def verify_password(password: str, hashed: str) -> bool:
    return await to_thread.run_sync(password_hash.verify, password, hashed, limiter=password_work)


@cache
def _stand_in_hash() -> str:
    return password_hash.hash("a password that no one has")


async def stand_in_hash() -> str:
    """A valid hash of no one's password, for checks that must cost the same for unknown users."""
    return await to_thread.run_sync(_stand_in_hash, limiter=password_work)
