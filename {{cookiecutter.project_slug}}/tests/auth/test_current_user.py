from datetime import timedelta

import jwt
import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service
from app.auth.tokens import ALGORITHM, AccessClaims, access_claims, create_access_token
from app.core.config import get_settings
from app.users.models import User
from tests import factories


def tampered(token: str) -> str:
    """The token with its payload's last character changed, and so its signature no longer valid."""
    header, payload, signature = token.split(".")
    payload = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    return f"{header}.{payload}.{signature}"


def signed_with_another_key(claims: AccessClaims) -> str:
    signed = {"sub": str(claims.user_id), "sid": str(claims.session_id), "exp": 4_102_444_800}
    return jwt.encode(signed, "another key of at least thirty-two chars", algorithm=ALGORITHM)


async def signed_in(session: AsyncSession, user: User) -> AccessClaims:
    """A new session of the user's: the claims that its access tokens carry."""
    claims = access_claims((await service.start_session(session, user.id)).access_token)
    assert claims is not None
    return claims


async def test_me_is_the_signed_in_user(async_client: AsyncClient, current_user: User) -> None:
    response = await async_client.get("/users/me")

    assert response.status_code == 200
    assert response.json() == {
        "id": current_user.id,
        "username": current_user.username,
        "email": current_user.email,
    }


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Bearer not-a-jwt",
        "Basic dXNlcjpwYXNz",
        "tampered",
        "expired",
        "other-key",
        "unknown-user",
        "unknown-session",
        "another-users-session",
        "no-session",
        "no-expiry",
    ],
)
async def test_a_bad_or_missing_token_is_401(
    anonymous_client: AsyncClient,
    db_session: AsyncSession,
    current_user: User,
    authorization: str | None,
) -> None:
    claims = await signed_in(db_session, current_user)
    user, session = claims.user_id, claims.session_id
    other = await signed_in(db_session, await factories.create_user(db_session))
    key = get_settings().secret_key.get_secret_value()
    expired = create_access_token(user, session, lifetime=timedelta(seconds=-1))
    no_session = jwt.encode({"sub": str(user), "exp": 4_102_444_800}, key, ALGORITHM)
    no_expiry = jwt.encode({"sub": str(user), "sid": str(session)}, key, ALGORITHM)
    headers = {
        "tampered": f"Bearer {tampered(create_access_token(user, session))}",
        "expired": f"Bearer {expired}",
        "other-key": f"Bearer {signed_with_another_key(claims)}",
        "unknown-user": f"Bearer {create_access_token(999_999, session)}",
        "unknown-session": f"Bearer {create_access_token(user, 999_999)}",
        "another-users-session": f"Bearer {create_access_token(user, other.session_id)}",
        "no-session": f"Bearer {no_session}",
        "no-expiry": f"Bearer {no_expiry}",
    }
    if authorization is not None:
        anonymous_client.headers["Authorization"] = headers.get(authorization, authorization)

    response = await anonymous_client.get("/users/me")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_reading_users_needs_a_token(
    anonymous_client: AsyncClient, current_user: User
) -> None:
    listing = await anonymous_client.get("/users/")
    one = await anonymous_client.get(f"/users/{current_user.id}")

    assert (listing.status_code, one.status_code) == (401, 401)


async def test_signing_up_needs_no_token(anonymous_client: AsyncClient) -> None:
    response = await anonymous_client.post(
        "/users/", json={"username": "newbie", "email": "n@example.com", "password": "long enough"}
    )

    assert response.status_code == 201


async def test_a_deleted_users_token_is_401_even_after_the_next_sign_up(
    async_client: AsyncClient, db_session: AsyncSession
) -> None:
    deleted = await factories.create_user(db_session)
    token = (await service.start_session(db_session, deleted.id)).access_token
    await db_session.delete(deleted)
    await db_session.flush()
    await factories.create_user(db_session)

    response = await async_client.get("/users/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
