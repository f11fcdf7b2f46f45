"""Admins see every user with their email, change roles, and deactivate users, whose sessions end
at once; no one else may."""

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth.accounts import log_in, promote, refreshed, sign_up, works


async def test_only_admins_may_list_users_with_their_emails(
    anonymous_client: AsyncClient, db_session: AsyncSession
) -> None:
    admin_id = await sign_up(anonymous_client, "root")
    await promote(db_session, admin_id)
    await sign_up(anonymous_client, "ann")
    admin, ann = await log_in(anonymous_client, "root"), await log_in(anonymous_client, "ann")

    listing = await anonymous_client.get("/admin/users/", headers=admin.headers)
    refused = await anonymous_client.get("/admin/users/", headers=ann.headers)
    anonymous = await anonymous_client.get("/admin/users/")

    assert listing.status_code == 200
    assert [(user["username"], user["email"], user["role"]) for user in listing.json()] == [
        ("root", "root@example.com", "admin"),
        ("ann", "ann@example.com", "user"),
    ]
    assert (refused.status_code, refused.json()) == (403, {"detail": "Admins only."})
    assert anonymous.status_code == 401


async def test_a_deactivated_user_is_signed_out_at_once_and_cannot_log_in(
    anonymous_client: AsyncClient, db_session: AsyncSession
) -> None:
    await promote(db_session, await sign_up(anonymous_client, "root"))
    ann_id = await sign_up(anonymous_client, "ann")
    admin, ann = await log_in(anonymous_client, "root"), await log_in(anonymous_client, "ann")

    response = await anonymous_client.patch(
        f"/admin/users/{ann_id}", json={"is_active": False}, headers=admin.headers
    )

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert not await works(anonymous_client, ann)
    assert await refreshed(anonymous_client, ann) is None
    login = await anonymous_client.post(
        "/auth/token", data={"username": "ann", "password": "correct horse battery staple"}
    )
    assert login.status_code == 401
    assert await works(anonymous_client, admin)


async def test_an_activated_user_logs_in_again_with_new_sessions_only(
    anonymous_client: AsyncClient, db_session: AsyncSession
) -> None:
    await promote(db_session, await sign_up(anonymous_client, "root"))
    ann_id = await sign_up(anonymous_client, "ann")
    admin, before = await log_in(anonymous_client, "root"), await log_in(anonymous_client, "ann")
    for active in (False, True):
        await anonymous_client.patch(
            f"/admin/users/{ann_id}", json={"is_active": active}, headers=admin.headers
        )

    assert not await works(anonymous_client, before)
    assert await works(anonymous_client, await log_in(anonymous_client, "ann"))


async def test_an_admin_may_make_another_admin(
    anonymous_client: AsyncClient, db_session: AsyncSession
) -> None:
    await promote(db_session, await sign_up(anonymous_client, "root"))
    ann_id = await sign_up(anonymous_client, "ann")
    admin, ann = await log_in(anonymous_client, "root"), await log_in(anonymous_client, "ann")

    response = await anonymous_client.patch(
        f"/admin/users/{ann_id}", json={"role": "admin"}, headers=admin.headers
    )

    assert response.json()["role"] == "admin"
    assert (await anonymous_client.get("/admin/users/", headers=ann.headers)).status_code == 200


async def test_an_admin_cannot_change_their_own_role_or_state(
    anonymous_client: AsyncClient, db_session: AsyncSession
) -> None:
    admin_id = await sign_up(anonymous_client, "root")
    await promote(db_session, admin_id)
    admin = await log_in(anonymous_client, "root")

    for change in ({"is_active": False}, {"role": "user"}):
        response = await anonymous_client.patch(
            f"/admin/users/{admin_id}", json=change, headers=admin.headers
        )
        assert response.status_code == 409, change

    assert await works(anonymous_client, admin)


async def test_changing_a_missing_user_is_404_and_a_bad_change_422(
    anonymous_client: AsyncClient, db_session: AsyncSession
) -> None:
    await promote(db_session, await sign_up(anonymous_client, "root"))
    ann_id = await sign_up(anonymous_client, "ann")
    admin = await log_in(anonymous_client, "root")

    missing = await anonymous_client.patch(
        "/admin/users/999999", json={"is_active": False}, headers=admin.headers
    )
    statuses = [
        (
            await anonymous_client.patch(
                f"/admin/users/{ann_id}", json=change, headers=admin.headers
            )
        ).status_code
        for change in ({"role": "owner"}, {"role": None}, {"is_active": None})
    ]

    assert missing.status_code == 404
    assert statuses == [422, 422, 422]


async def test_an_empty_change_is_the_user_as_they_are(
    anonymous_client: AsyncClient, db_session: AsyncSession
) -> None:
    await promote(db_session, await sign_up(anonymous_client, "root"))
    ann_id = await sign_up(anonymous_client, "ann")
    admin = await log_in(anonymous_client, "root")

    response = await anonymous_client.patch(
        f"/admin/users/{ann_id}", json={}, headers=admin.headers
    )

    assert response.status_code == 200
    assert (response.json()["username"], response.json()["is_active"]) == ("ann", True)
