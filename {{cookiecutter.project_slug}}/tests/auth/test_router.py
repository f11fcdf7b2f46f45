import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import security
from app.core.config import get_settings
from app.users.models import User
from tests import factories, passwords

PASSWORD = passwords.DEFAULT_PASSWORD


async def log_in(client: AsyncClient, username: str, password: str) -> tuple[int, dict[str, str]]:
    response = await client.post("/auth/token", data={"username": username, "password": password})
    return response.status_code, response.json()


async def test_login_gives_a_bearer_token_for_the_user(
    anonymous_client: AsyncClient, current_user: User
) -> None:
    status, body = await log_in(anonymous_client, current_user.username, PASSWORD)
    me = await anonymous_client.get(
        "/users/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )

    assert status == 200
    assert body["token_type"] == "bearer"
    assert me.json()["id"] == current_user.id


@pytest.mark.parametrize(
    ("username", "password"),
    [("right", "wrong password"), ("nobody", PASSWORD), ("right", "x" * 129)],
    ids=["wrong-password", "unknown-user", "over-long-password"],
)
async def test_failed_login_is_401_alike_for_every_cause(
    anonymous_client: AsyncClient, db_session: AsyncSession, username: str, password: str
) -> None:
    await factories.create_user(db_session, username="right")

    response = await anonymous_client.post(
        "/auth/token", data={"username": username, "password": password}
    )

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json() == {"detail": "Incorrect username or password."}


async def test_unknown_user_still_costs_a_password_check(
    anonymous_client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real_verify = security.verify_password

    async def counting_verify(password: str, hashed: str) -> bool:
        checked.append(hashed)
        return await real_verify(password, hashed)

    monkeypatch.setattr(security, "verify_password", counting_verify)

    status, _ = await log_in(anonymous_client, "nobody", PASSWORD)

    assert status == 401
    assert len(checked) == 1
    assert checked[0].startswith("$argon2id$")


async def test_login_needs_the_form_fields(anonymous_client: AsyncClient) -> None:
    response = await anonymous_client.post("/auth/token", data={"username": "only"})

    assert response.status_code == 422


async def test_login_ignores_the_case_of_the_username(
    anonymous_client: AsyncClient, db_session: AsyncSession
) -> None:
    await factories.create_user(db_session, username="alice")

    status, _ = await log_in(anonymous_client, "ALICE", PASSWORD)

    assert status == 200


async def test_login_holds_no_database_connection_while_it_checks_the_password(
    anonymous_client: AsyncClient,
    current_user: User,
    db_session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    in_transaction: list[bool] = []
    real_verify = security.verify_password

    async def watching_verify(password: str, hashed: str) -> bool:
        in_transaction.append(db_session.in_transaction())
        return await real_verify(password, hashed)

    monkeypatch.setattr(security, "verify_password", watching_verify)

    status, _ = await log_in(anonymous_client, current_user.username, PASSWORD)

    assert status == 200
    assert in_transaction == [False]


@pytest.mark.usefixtures("fresh_rate_limits")
async def test_logins_over_the_limit_get_429_with_retry_after(
    anonymous_client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "login_rate_limit", "2/minute")

    statuses = [(await log_in(anonymous_client, "someone", "wrong password"))[0] for _ in "ab"]
    refused = await anonymous_client.post(
        "/auth/token", data={"username": "someone", "password": "wrong password"}
    )

    assert statuses == [401, 401]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
