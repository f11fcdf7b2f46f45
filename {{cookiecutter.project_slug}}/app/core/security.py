"""Password hashing."""

import asyncio

from pwdlib import PasswordHash

# argon2id at the library's recommended cost: about 100 ms of CPU per hash, so hashing runs in a
# worker thread and never stalls the event loop.
password_hash = PasswordHash.recommended()


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(password_hash.hash, password)


async def verify_password(password: str, hashed: str) -> bool:
    return await asyncio.to_thread(password_hash.verify, password, hashed)
