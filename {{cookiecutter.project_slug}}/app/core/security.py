"""Password hashing."""

import asyncio
from functools import cache

from pwdlib import PasswordHash

# argon2id at the library's recommended cost: about 100 ms of CPU per hash, so hashing runs in a
# worker thread and never stalls the event loop.
password_hash = PasswordHash.recommended()


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(password_hash.hash, password)


async def verify_password(password: str, hashed: str) -> bool:
    return await asyncio.to_thread(password_hash.verify, password, hashed)


@cache
def _stand_in_hash() -> str:
    return password_hash.hash("a password that no one has")


async def stand_in_hash() -> str:
    """A valid hash of no one's password, for checks that must cost the same for unknown users."""
    return await asyncio.to_thread(_stand_in_hash)
