"""Users made from tokens: one per subject, however many first requests race; admin by the
provider's roles; deactivated here whatever the provider says."""

import asyncio
from collections import Counter

import httpx
import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.identity import Identity, roles
from app.users import service
from app.users.models import User
from tests import factories
from tests.clients import bearer
from tests.identity_provider import ISSUER, authorization
from tests.live_server import stored

FIRST_REQUESTS = 200


async def test_the_first_request_that_loses_the_race_reads_the_winners_user(
    db_session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    winner = await factories.create_user(db_session)
    identity = Identity(ISSUER.url, winner.subject, "racer", None, frozenset())
    looked_up = service._user_of

    async def missed_once(session: AsyncSession, identity: Identity) -> User | None:
        monkeypatch.setattr(service, "_user_of", looked_up)
        return None  # as for a request whose look-up came before the winner's commit

    monkeypatch.setattr(service, "_user_of", missed_once)
    user = await service.user_of(db_session, identity)

    assert user.id == winner.id
    assert user.username == winner.username  # as the winner named them


async def test_admins_are_those_whom_the_provider_gives_the_admin_role(
    admin_client: AsyncClient, async_client: AsyncClient
) -> None:
    by_admin = await admin_client.get("/admin/users/")
    by_user = await async_client.get("/admin/users/")

    assert (by_admin.status_code, by_user.status_code) == (200, 403)
    assert {"id", "username", "email", "is_active"} == set(by_admin.json()[0])


async def test_a_user_deactivated_here_is_refused_until_activated_again(
    admin_client: AsyncClient, async_client: AsyncClient, current_user: User
) -> None:
    deactivated = await admin_client.patch(
        f"/admin/users/{current_user.id}", json={"is_active": False}
    )
    refused = await async_client.get("/users/me")
    await admin_client.patch(f"/admin/users/{current_user.id}", json={"is_active": True})
    again = await async_client.get("/users/me")

    assert deactivated.json()["is_active"] is False
    assert (refused.status_code, again.status_code) == (403, 200)


async def test_admins_cannot_deactivate_themselves_nor_a_missing_user(
    anonymous_client: AsyncClient, db_session: AsyncSession
) -> None:
    admin = await factories.create_user(db_session)
    headers = bearer(admin, ["admin"])

    themselves = await anonymous_client.patch(
        f"/admin/users/{admin.id}", json={"is_active": False}, headers=headers
    )
    missing = await anonymous_client.patch(
        "/admin/users/999999", json={"is_active": False}, headers=headers
    )

    assert (themselves.status_code, missing.status_code) == (409, 404)


@pytest.mark.parametrize(
    ("claims", "path", "found"),
    [
        ({"roles": ["admin", "user"]}, "roles", {"admin", "user"}),
        ({"realm_access": {"roles": ["admin"]}}, "realm_access.roles", {"admin"}),
        ({"scope": "items:read admin"}, "scope", {"items:read", "admin"}),
        ({"roles": "admin"}, "realm_access.roles", set()),
        ({"roles": [1, "admin"]}, "roles", {"admin"}),
        ({}, "roles", set()),
    ],
    ids=["list", "nested", "scope", "missing", "not-text", "none"],
)
def test_roles_are_read_at_their_path_of_claims(
    claims: dict[str, object], path: str, found: set[str]
) -> None:
    assert roles(claims, path) == found


@pytest.mark.live
async def test_racing_first_requests_of_each_user_make_one_user_each(
    server: str, live_database: str
) -> None:
    names = [f"racer{n}" for n in range(FIRST_REQUESTS // 2)] * 2
    tokens = [ISSUER.token(name, preferred_username=name) for name in names]
    limits = httpx.Limits(max_connections=FIRST_REQUESTS)
    async with httpx.AsyncClient(base_url=server, timeout=60, limits=limits) as client:
        responses = await asyncio.gather(
            *(client.get("/users/me", headers=authorization(token)) for token in tokens)
        )

    assert Counter(response.status_code for response in responses) == {200: FIRST_REQUESTS}
    ids = {(response.json()["username"], response.json()["id"]) for response in responses}
    assert len(ids) == FIRST_REQUESTS // 2  # one user, one id, per subject
    assert await stored(live_database, User.username) == Counter(set(names))
