"""Password guesses spread over many client addresses are limited per account
(app/auth/guessing.py), and the owner still signs in where they usually do."""

import pytest
from httpx import Response

from app.core.config import get_settings
from app.users.models import User
from tests import passwords
from tests.api_client import ClientAt

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")

LIMIT = 3


@pytest.fixture(autouse=True)
def account_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three logins per account from unknown addresses; the per-address limit stays lifted."""
    monkeypatch.setattr(get_settings(), "account_login_rate_limit", f"{LIMIT}/hour")


async def log_in_from(client_at: ClientAt, address: str, username: str, password: str) -> Response:
    async with client_at(address) as client:
        return await client.post("/auth/token", data={"username": username, "password": password})


def stranger(n: int) -> str:
    return f"198.51.100.{n}"


@pytest.mark.parametrize("account", ["held", "nobody's"])
async def test_guesses_from_many_addresses_are_limited_per_account_alike_for_any_name(
    client_at: ClientAt, current_user: User, account: str
) -> None:
    username = current_user.username if account == "held" else "no-such-user"

    answers = [
        await log_in_from(client_at, stranger(n), username, "wrong password") for n in range(5)
    ]

    assert [answer.status_code for answer in answers] == [401] * LIMIT + [429, 429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 3600


async def test_over_the_limit_even_the_right_password_waits_at_a_new_address(
    client_at: ClientAt, current_user: User
) -> None:
    for n in range(LIMIT):
        await log_in_from(client_at, stranger(n), current_user.username, "wrong password")

    right = await log_in_from(
        client_at, stranger(99), current_user.username, passwords.DEFAULT_PASSWORD
    )

    assert right.status_code == 429  # no password is checked over the limit: nothing is learnt


async def test_the_owner_signs_in_at_their_usual_address_through_a_strangers_flood(
    client_at: ClientAt, current_user: User
) -> None:
    owner, password = "192.0.2.10", passwords.DEFAULT_PASSWORD
    before = await log_in_from(client_at, owner, current_user.username, password)
    flood = [
        await log_in_from(client_at, stranger(n), current_user.username, "wrong password")
        for n in range(LIMIT + 2)
    ]

    during = await log_in_from(client_at, owner, current_user.username, password)
    wrong_from_owner = await log_in_from(client_at, owner, current_user.username, "a guess")

    assert before.status_code == 200  # counted for the account, from an address new to it
    assert [answer.status_code for answer in flood] == [401] * (LIMIT - 1) + [429] * 3
    assert during.status_code == 200
    assert wrong_from_owner.status_code == 401  # counted per address there, as any address is
