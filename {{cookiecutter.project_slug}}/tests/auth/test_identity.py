"""Which tokens sign a request in: those of the provider, for this service, in date; every other
gets 401, never a server error."""

import time
from collections.abc import Callable

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import get_settings
from app.users.models import User
from tests.identity_provider import ISSUER, authorization, hand_made, public_pem


def claims(subject: str = "forger") -> dict[str, object]:
    now = int(time.time())
    return {"iss": ISSUER.url, "aud": "tests", "sub": subject, "iat": now, "exp": now + 300}


def newest() -> str:
    return list(ISSUER.keys)[-1]


# A key that is not the provider's.
STRANGER = ec.generate_private_key(ec.SECP256R1())


FORGED: dict[str, Callable[[], str]] = {
    "expired": lambda: ISSUER.token("expired", expires_in=-120),
    "another-audience": lambda: ISSUER.token("elsewhere", aud="another-service"),
    "another-issuer": lambda: ISSUER.token("stranger", iss="https://evil.example.com"),
    "issued-in-the-future": lambda: ISSUER.token("early", iat=int(time.time()) + 600),
    "not-yet-valid": lambda: ISSUER.token("early", nbf=int(time.time()) + 600),
    "no-subject": lambda: ISSUER.token("", sub=None),
    "a-nul-in-the-name": lambda: ISSUER.token("nul", preferred_username="a\x00b"),
    "unknown-kid": lambda: jwt.encode(claims(), STRANGER, "ES256", headers={"kid": "made-up"}),
    "no-kid": lambda: jwt.encode(claims(), ISSUER.keys[newest()], "ES256"),
    "hs256-with-the-public-key": lambda: hand_made(
        {"alg": "HS256", "kid": newest()}, claims(), public_pem(ISSUER.keys[newest()])
    ),
    "alg-none": lambda: hand_made({"alg": "none", "kid": newest()}, claims(), None),
    "not-a-token": lambda: "not.a.token",
}


async def test_a_token_from_the_provider_signs_in_and_makes_the_user(
    anonymous_client: AsyncClient, db_session: AsyncSession
) -> None:
    token = ISSUER.token("alice-1", preferred_username="alice", email="alice@example.com")

    first = await anonymous_client.get("/users/me", headers=authorization(token))
    again = await anonymous_client.get("/users/me", headers=authorization(token))

    assert first.status_code == 200, first.text
    assert first.json() == {
        "id": first.json()["id"],
        "username": "alice",
        "email": "alice@example.com",
    }
    assert again.json() == first.json()
    users = await db_session.scalar(select(func.count()).where(User.subject == "alice-1"))
    assert users == 1


@pytest.mark.parametrize("forge", FORGED.values(), ids=FORGED.keys())
async def test_any_other_token_gets_401(
    anonymous_client: AsyncClient, forge: Callable[[], str]
) -> None:
    response = await anonymous_client.get("/users/me", headers=authorization(forge()))

    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"


async def test_no_token_gets_401(anonymous_client: AsyncClient) -> None:
    response = await anonymous_client.get("/users/me")

    assert response.status_code == 401


async def test_the_names_follow_the_latest_token(anonymous_client: AsyncClient) -> None:
    before = ISSUER.token("carol-1", preferred_username="carol", email="carol@example.com")
    after = ISSUER.token("carol-1", preferred_username="caroline")

    await anonymous_client.get("/users/me", headers=authorization(before))
    response = await anonymous_client.get("/users/me", headers=authorization(after))

    assert (response.json()["username"], response.json()["email"]) == ("caroline", None)


@pytest.mark.parametrize(
    ("client_id", "status"),
    [("tests", 200), ("another", 401), (None, 401)],
    ids=["this-client", "another-client", "no-client"],
)
async def test_the_audience_may_be_the_client_id_claim_as_cognito_puts_it(
    anonymous_client: AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    client_id: str | None,
    status: int,
) -> None:
    monkeypatch.setattr(get_settings(), "oidc_audience_claim", "client_id")
    token = ISSUER.token("cognito-user", aud=None, client_id=client_id)

    response = await anonymous_client.get("/users/me", headers=authorization(token))

    assert response.status_code == status, response.text


async def test_subjects_are_compared_as_they_are(anonymous_client: AsyncClient) -> None:
    plain = await anonymous_client.get("/users/me", headers=authorization(ISSUER.token("spaced")))
    spaced = await anonymous_client.get(
        "/users/me", headers=authorization(ISSUER.token(" spaced "))
    )

    assert (plain.status_code, spaced.status_code) == (200, 200)
    assert plain.json()["id"] != spaced.json()["id"]
