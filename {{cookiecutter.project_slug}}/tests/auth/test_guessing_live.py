"""Guesses for one account spread over many client addresses and two server processes, as a
botnet would send them through a load balancer (marked `live`): the account's limit holds across
the processes, in the rate limits' shared storage, and the owner still signs in where they do."""

import httpx
import pytest

from tests.live_server import OwnNames, replicas
from tests.passwords import sign_up

pytestmark = pytest.mark.live

GUESSES = 30
LIMIT = 5


async def test_guesses_from_many_addresses_on_two_processes_are_limited_per_account(
    live_database: str, redis_url: str, own_names: OwnNames
) -> None:
    username, password = own_names.name("owner"), "s3cret!!"
    owner = own_names.address()
    settings = {
        "RATE_LIMIT_STORAGE_URI": redis_url,
        "FORWARDED_ALLOW_IPS": "127.0.0.1",  # the load balancer, in front of both
        "ACCOUNT_LOGIN_RATE_LIMIT": f"{LIMIT}/hour",
    }
    with replicas(live_database, settings) as servers:
        urls = [url for _, url in servers]
        async with httpx.AsyncClient(timeout=30) as client:

            async def log_in(n: int, address: str, password: str) -> int:
                response = await client.post(
                    f"{urls[n % 2]}/auth/token",
                    data={"username": username, "password": password},
                    headers={"X-Forwarded-For": address},
                )
                return response.status_code

            created = await client.post(
                f"{urls[0]}/users/", json=sign_up(username), headers={"X-Forwarded-For": owner}
            )
            first = await log_in(1, owner, password)  # the owner, where they usually sign in
            guesses = [
                await log_in(n, own_names.address(), f"guess number {n}") for n in range(GUESSES)
            ]
            owner_again = [await log_in(n, owner, password) for n in range(2)]

    print(f"{GUESSES} guesses from as many addresses over two processes: {guesses}")
    assert created.status_code == 201
    assert first == 200  # one login from an address new to the account: counted
    assert guesses == [401] * (LIMIT - 1) + [429] * (GUESSES - LIMIT + 1)
    assert owner_again == [200, 200]  # on either process
