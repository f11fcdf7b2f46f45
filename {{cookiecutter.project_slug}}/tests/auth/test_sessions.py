"""Sessions end, and their tokens with them: refresh tokens are used once, a reused one ends its
session, and logging out ends this session or every one."""

from datetime import timedelta

from httpx import AsyncClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import RefreshToken
from app.auth.service import now
from app.auth.tokens import token_hash
from app.core.config import get_settings
from tests.auth.steps import log_in, refreshed, sign_up, works


async def test_login_starts_a_session_whose_tokens_work(anonymous_client: AsyncClient) -> None:
    await sign_up(anonymous_client, "ann")

    response = await anonymous_client.post(
        "/auth/token", data={"username": "ann", "password": "correct horse battery staple"}
    )

    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == get_settings().access_token_minutes * 60
    assert body["refresh_token"] != body["access_token"]
    me = await anonymous_client.get(
        "/users/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.json()["username"] == "ann"


async def test_a_refresh_gives_new_tokens_of_the_same_session(
    anonymous_client: AsyncClient,
) -> None:
    await sign_up(anonymous_client, "ann")
    first = await log_in(anonymous_client, "ann")

    second = await refreshed(anonymous_client, first)

    assert second is not None
    assert second.refresh_token != first.refresh_token
    assert await works(anonymous_client, second)
    assert await works(anonymous_client, first)  # the same session, still alive
    assert await refreshed(anonymous_client, second) is not None


async def test_a_refresh_token_used_again_ends_its_session(anonymous_client: AsyncClient) -> None:
    await sign_up(anonymous_client, "ann")
    stolen = await log_in(anonymous_client, "ann")
    owners = await refreshed(anonymous_client, stolen)
    assert owners is not None

    replayed = await refreshed(anonymous_client, stolen)

    assert replayed is None
    assert not await works(anonymous_client, owners)
    assert await refreshed(anonymous_client, owners) is None


async def test_a_reused_token_ends_only_its_own_session(anonymous_client: AsyncClient) -> None:
    await sign_up(anonymous_client, "ann")
    phone = await log_in(anonymous_client, "ann")
    laptop = await log_in(anonymous_client, "ann")
    await refreshed(anonymous_client, phone)

    await refreshed(anonymous_client, phone)

    assert not await works(anonymous_client, phone)
    assert await works(anonymous_client, laptop)


async def test_an_unknown_refresh_token_is_401_and_ends_nothing(
    anonymous_client: AsyncClient,
) -> None:
    await sign_up(anonymous_client, "ann")
    session = await log_in(anonymous_client, "ann")

    for made_up in ["", "not-a-token", session.access_token[:128], "x" * 128]:
        response = await anonymous_client.post("/auth/refresh", json={"refresh_token": made_up})
        assert response.status_code == 401, made_up
        assert response.headers["WWW-Authenticate"] == "Bearer"

    assert await works(anonymous_client, session)
    assert await refreshed(anonymous_client, session) is not None


async def test_an_expired_refresh_token_is_401(
    anonymous_client: AsyncClient, db_session: AsyncSession
) -> None:
    await sign_up(anonymous_client, "ann")
    session = await log_in(anonymous_client, "ann")
    await db_session.execute(
        update(RefreshToken)
        .where(RefreshToken.token_hash == token_hash(session.refresh_token))
        .values(expires_at=now() - timedelta(seconds=1))
    )

    assert await refreshed(anonymous_client, session) is None


async def test_the_database_keeps_only_hashes_of_refresh_tokens(
    anonymous_client: AsyncClient, db_session: AsyncSession
) -> None:
    await sign_up(anonymous_client, "ann")
    session = await log_in(anonymous_client, "ann")

    stored = (await db_session.scalars(select(RefreshToken.token_hash))).all()

    assert stored == [token_hash(session.refresh_token)]
    assert session.refresh_token not in stored


async def test_logout_ends_this_session_alone(anonymous_client: AsyncClient) -> None:
    await sign_up(anonymous_client, "ann")
    here = await log_in(anonymous_client, "ann")
    elsewhere = await log_in(anonymous_client, "ann")

    response = await anonymous_client.post("/auth/logout", headers=here.headers)

    assert response.status_code == 204
    assert not await works(anonymous_client, here)
    assert await refreshed(anonymous_client, here) is None
    assert await works(anonymous_client, elsewhere)
    assert await refreshed(anonymous_client, elsewhere) is not None


async def test_logout_everywhere_ends_every_session_of_the_user_alone(
    anonymous_client: AsyncClient,
) -> None:
    await sign_up(anonymous_client, "ann")
    await sign_up(anonymous_client, "bob")
    sessions = [await log_in(anonymous_client, "ann") for _ in range(3)]
    bobs = await log_in(anonymous_client, "bob")

    response = await anonymous_client.post("/auth/logout-all", headers=sessions[0].headers)

    assert response.status_code == 204
    for session in sessions:
        assert not await works(anonymous_client, session)
        assert await refreshed(anonymous_client, session) is None
    assert await works(anonymous_client, bobs)


async def test_logging_out_needs_a_live_session(anonymous_client: AsyncClient) -> None:
    await sign_up(anonymous_client, "ann")
    session = await log_in(anonymous_client, "ann")
    await anonymous_client.post("/auth/logout", headers=session.headers)

    again = await anonymous_client.post("/auth/logout", headers=session.headers)
    everywhere = await anonymous_client.post("/auth/logout-all", headers=session.headers)
    anonymous = await anonymous_client.post("/auth/logout")

    assert (again.status_code, everywhere.status_code, anonymous.status_code) == (401, 401, 401)


async def test_a_user_may_hold_many_sessions_at_once(
    anonymous_client: AsyncClient, db_session: AsyncSession
) -> None:
    await sign_up(anonymous_client, "ann")
    sessions = [await log_in(anonymous_client, "ann") for _ in range(3)]

    working = [await works(anonymous_client, session) for session in sessions]

    assert working == [True, True, True]
    assert await db_session.scalar(select(func.count()).select_from(RefreshToken)) == 3
