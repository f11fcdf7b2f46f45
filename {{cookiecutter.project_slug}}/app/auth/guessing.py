"""Password guessing, limited per account as well as per client address.

LOGIN_RATE_LIMIT counts logins per client address; guesses spread over many addresses get past
it. So the logins to one username from addresses that have not signed in to it lately are
counted together too, under ACCOUNT_LOGIN_RATE_LIMIT, before any password is checked: over the
limit, such an attempt is 429 with Retry-After, however it would have ended, and costs no hashing.
Whether the username belongs to anyone does not change the count nor the answer.

An address from which the account signed in within KNOWN_ADDRESS_DAYS is known: its attempts
count per address alone, so that a stranger's flood does not lock the owner out where they
usually sign in. The owner at a new address waits with the strangers until the flood's window
passes. Both counts live in the rate limits' storage (RATE_LIMIT_STORAGE_URI): shared by every
process when it is Redis.
"""

from app.api.rate_limit import RateLimit, in_storage

KNOWN_ADDRESS_DAYS = 30

account_login_rate_limit = RateLimit("account_login_rate_limit")


async def check(username: str, address: str) -> None:
    """Count a login to the username from the address against the account's limit, unless the
    address is known to it; 429 when over."""
    if not await _is_known(username, address):
        await account_login_rate_limit.hit(f"account {username}")


async def remember(username: str, address: str) -> None:
    """The account signed in from the address: its logins from there count per address alone."""
    seconds = KNOWN_ADDRESS_DAYS * 24 * 60 * 60
    await in_storage(
        lambda limiter: limiter.storage.incr(_known_key(username, address), seconds), default=0
    )


async def _is_known(username: str, address: str) -> bool:
    key = _known_key(username, address)
    return await in_storage(lambda limiter: limiter.storage.get(key), default=0) > 0


def _known_key(username: str, address: str) -> str:
    return f"known-address/{username}/{address}"
