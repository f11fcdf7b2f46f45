"""Admins see every user with their email, change roles, and deactivate users, whose sessions end
at once; no one else may. Each test has root, an admin with a session, and ann, a user."""

from collections.abc import Mapping

import pytest
from httpx import AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.service import LastAdminError
from app.admin import service
from app.admin.schemas import UserAdminUpdate
from tests.auth.steps import PASSWORD, Session, log_in, promote, refreshed, sign_up, works


@pytest.fixture
async def admin(anonymous_client: AsyncClient, db_session: AsyncSession) -> Session:
    """A session of root's, an admin."""
    await promote(db_session, await sign_up(anonymous_client, "root"))
    return await log_in(anonymous_client, "root")


@pytest.fixture
async def ann_id(anonymous_client: AsyncClient) -> int:
    return await sign_up(anonymous_client, "ann")


async def change(
    client: AsyncClient, admin: Session, user_id: int, changes: Mapping[str, object]
) -> Response:
    return await client.patch(f"/admin/users/{user_id}", json=changes, headers=admin.headers)


@pytest.mark.usefixtures("ann_id")
async def test_only_admins_may_list_users_with_their_emails(
    anonymous_client: AsyncClient, admin: Session
) -> None:
    ann = await log_in(anonymous_client, "ann")

    listing = await anonymous_client.get("/admin/users/", headers=admin.headers)
    refused = await anonymous_client.get("/admin/users/", headers=ann.headers)
    anonymous = await anonymous_client.get("/admin/users/")

    assert listing.status_code == 200
    assert {(user["username"], user["email"], user["role"]) for user in listing.json()} == {
        ("root", "root@example.com", "admin"),
        ("ann", "ann@example.com", "user"),
    }
    assert (refused.status_code, refused.json()) == (403, {"detail": "Admins only."})
    assert anonymous.status_code == 401


async def test_a_deactivated_user_is_signed_out_at_once_and_cannot_log_in(
    anonymous_client: AsyncClient, admin: Session, ann_id: int
) -> None:
    ann = await log_in(anonymous_client, "ann")

    response = await change(anonymous_client, admin, ann_id, {"is_active": False})

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert not await works(anonymous_client, ann)
    assert await refreshed(anonymous_client, ann) is None
    login = await anonymous_client.post(
        "/auth/token", data={"username": "ann", "password": PASSWORD}
    )
    assert login.status_code == 401
    assert await works(anonymous_client, admin)


async def test_an_activated_user_logs_in_again_with_new_sessions_only(
    anonymous_client: AsyncClient, admin: Session, ann_id: int
) -> None:
    before = await log_in(anonymous_client, "ann")
    for active in (False, True):
        await change(anonymous_client, admin, ann_id, {"is_active": active})

    assert not await works(anonymous_client, before)
    assert await works(anonymous_client, await log_in(anonymous_client, "ann"))


async def test_an_admin_may_make_another_admin(
    anonymous_client: AsyncClient, admin: Session, ann_id: int
) -> None:
    ann = await log_in(anonymous_client, "ann")

    response = await change(anonymous_client, admin, ann_id, {"role": "admin"})

    assert response.json()["role"] == "admin"
    assert (await anonymous_client.get("/admin/users/", headers=ann.headers)).status_code == 200


async def test_an_admin_cannot_change_their_own_role_or_state(
    anonymous_client: AsyncClient, admin: Session
) -> None:
    root_id = (await anonymous_client.get("/users/me", headers=admin.headers)).json()["id"]

    for changes in ({"is_active": False}, {"role": "user"}):
        response = await change(anonymous_client, admin, root_id, changes)
        assert response.status_code == 409, changes

    assert await works(anonymous_client, admin)


async def test_changing_a_missing_user_is_404_and_a_bad_change_422(
    anonymous_client: AsyncClient, admin: Session, ann_id: int
) -> None:
    missing = await change(anonymous_client, admin, 999_999, {"is_active": False})
    bad: list[dict[str, object]] = [{"role": "owner"}, {"role": None}, {"is_active": None}]
    statuses = [(await change(anonymous_client, admin, ann_id, c)).status_code for c in bad]

    assert missing.status_code == 404
    assert statuses == [422, 422, 422]


async def test_an_empty_change_is_the_user_as_they_are(
    anonymous_client: AsyncClient, admin: Session, ann_id: int
) -> None:
    response = await change(anonymous_client, admin, ann_id, {})

    assert response.status_code == 200
    assert (response.json()["username"], response.json()["is_active"]) == ("ann", True)


async def test_the_last_active_admin_may_delete_their_account_only_once_there_is_another(
    anonymous_client: AsyncClient, admin: Session, ann_id: int
) -> None:
    async def delete_root() -> Response:
        return await anonymous_client.request(
            "DELETE", "/users/me", json={"password": PASSWORD}, headers=admin.headers
        )

    refused = await delete_root()
    await change(anonymous_client, admin, ann_id, {"role": "admin"})
    deleted = await delete_root()

    assert refused.status_code == 409
    assert "active admin" in refused.json()["detail"]
    assert deleted.status_code == 204


async def test_no_change_by_anyone_leaves_no_active_admin(
    anonymous_client: AsyncClient, db_session: AsyncSession, admin: Session, ann_id: int
) -> None:
    """The route refuses an admin's change of themselves first; the rule beneath it holds for
    any change, as when two admins demote each other at once (tests/auth/test_sessions_live.py)."""
    root_id = (await anonymous_client.get("/users/me", headers=admin.headers)).json()["id"]
    demote, deactivate = UserAdminUpdate(role="user"), UserAdminUpdate(is_active=False)
    await change(anonymous_client, admin, ann_id, {"role": "admin", "is_active": False})

    for changes in (demote, deactivate):  # ann is an admin, but not an active one
        with pytest.raises(LastAdminError):
            await service.change_user(db_session, user_id=root_id, changes=changes)
    await change(anonymous_client, admin, ann_id, {"is_active": True})
    demoted = await service.change_user(db_session, user_id=root_id, changes=demote)

    assert demoted is not None
    assert demoted.role == "user"
