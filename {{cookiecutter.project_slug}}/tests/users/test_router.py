{% if cookiecutter.auth != "oidc" -%}
import pytest
{% endif -%}
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
{%- if cookiecutter.auth != "oidc" %}

SIGN_UP = {"username": "alice", "email": "alice@example.com", "password": "s3cret-enough"}


async def test_sign_up_returns_the_user_without_the_password(async_client: AsyncClient) -> None:
    response = await async_client.post("/users/", json=SIGN_UP)

    assert response.status_code == 201
    body = response.json()
    assert body == {"id": body["id"], "username": "alice", "email": "alice@example.com"}
    assert isinstance(body["id"], int)


async def test_sign_up_lower_cases_the_username_and_the_email(async_client: AsyncClient) -> None:
    response = await async_client.post(
        "/users/", json={**SIGN_UP, "username": "Alice", "email": "Alice@Example.COM"}
    )

    assert response.status_code == 201
    assert (response.json()["username"], response.json()["email"]) == (
        "alice",
        "alice@example.com",
    )


async def test_sign_up_stores_look_alike_emails_in_their_plain_form(
    async_client: AsyncClient,
) -> None:
    # Fullwidth letters and the "fi" ligature: NFKC turns them into the letters they look like.
    response = await async_client.post(
        "/users/", json={**SIGN_UP, "email": "\uff21lice@\ufb01rm.example.com"}
    )

    assert response.json()["email"] == "alice@firm.example.com"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("username", "ab"),
        ("username", "has space"),
        ("username", "x" * 33),
        ("email", "not-an-email"),
        ("password", "short"),
        ("password", "x" * 129),
    ],
)
async def test_sign_up_with_an_invalid_field_is_rejected(
    async_client: AsyncClient, field: str, value: str
) -> None:
    response = await async_client.post("/users/", json={**SIGN_UP, field: value})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]


async def test_a_rejected_password_is_not_echoed_back(async_client: AsyncClient) -> None:
    response = await async_client.post("/users/", json={**SIGN_UP, "password": "hunter2"})

    assert response.status_code == 422
    assert "hunter2" not in response.text


async def test_duplicate_username_is_a_conflict(
    async_client: AsyncClient, db_session: AsyncSession
) -> None:
    await factories.create_user(db_session, username="alice")

    response = await async_client.post("/users/", json=SIGN_UP)

    assert response.status_code == 409
    assert response.json() == {"detail": "A user with this username already exists."}


@pytest.mark.parametrize(
    ("field", "taken", "value"),
    [
        ("username", "alice", "Alice"),
        ("username", "alice", "ALICE"),
        ("email", "alice@example.com", "ALICE@example.com"),
        ("email", "alice@example.com", "\uff41lice@example.com"),
        ("email", "alice@example.com", "\uff21LICE@EXAMPLE.COM"),
    ],
)
async def test_a_name_taken_in_another_case_or_form_is_a_conflict(
    async_client: AsyncClient, db_session: AsyncSession, field: str, taken: str, value: str
) -> None:
    await factories.create_user(db_session, **{field: taken})

    response = await async_client.post("/users/", json={**SIGN_UP, field: value})

    assert response.status_code == 409
    assert response.json() == {"detail": f"A user with this {field} already exists."}


async def test_the_second_of_two_identical_sign_ups_is_a_conflict(
    async_client: AsyncClient,
) -> None:
    first = await async_client.post("/users/", json=SIGN_UP)
    second = await async_client.post("/users/", json=SIGN_UP)

    assert (first.status_code, second.status_code) == (201, 409)
{%- endif %}


async def test_read_user(async_client: AsyncClient, db_session: AsyncSession) -> None:
    user = await factories.create_user(db_session)

    response = await async_client.get(f"/users/{user.id}")

    assert response.status_code == 200
    assert response.json() == {"id": user.id, "username": user.username}  # no email


async def test_missing_user_is_404(async_client: AsyncClient) -> None:
    response = await async_client.get("/users/999999")

    assert response.status_code == 404


async def test_list_users_pages_by_id(async_client: AsyncClient, db_session: AsyncSession) -> None:
    created = {(await factories.create_user(db_session)).id for _ in range(3)}

    everyone = (await async_client.get("/users/", params={"limit": 100})).json()
    first_page = (await async_client.get("/users/", params={"limit": 2})).json()
    second_page = (await async_client.get("/users/", params={"limit": 2, "offset": 2})).json()

    ids = [user["id"] for user in everyone]
    assert ids == sorted(ids)
    assert created <= set(ids)
    assert first_page + second_page == everyone[:4]
    assert all(set(user) == {"id", "username"} for user in everyone)  # no emails
