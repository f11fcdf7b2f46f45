"""Account mails over real SMTP: each flow is followed as a user would, from the mail that a real
server on loopback received to the link's token posted back to the API."""

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from httpx import AsyncClient
from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.models import AccountToken
from app.auth.service import now
from app.core.config import get_settings
from app.users.models import User
from tests.auth.steps import PASSWORD, log_in, refreshed, sign_up, works
from tests.mailbox import Mailbox
from tests.settings import fresh_settings

NEW_PASSWORD = "a new and longer password"


async def verified(session: AsyncSession, username: str) -> tuple[str, bool]:
    user = await session.scalar(select(User).where(User.username == username))
    assert user is not None
    await session.refresh(user)
    return user.email, user.email_verified


async def test_sign_up_mails_a_link_that_verifies_the_address(
    anonymous_client: AsyncClient, db_session: AsyncSession, mailbox: Mailbox
) -> None:
    await sign_up(anonymous_client, "ann")
    (sent,) = await mailbox.to("ann@example.com")
    token = await mailbox.token("ann@example.com", "verify-email")
    before = await verified(db_session, "ann")

    response = await anonymous_client.post("/auth/verify-email", json={"token": token})
    again = await anonymous_client.post("/auth/verify-email", json={"token": token})

    assert sent["Subject"] == "Verify your email address"
    assert sent["From"] == str(get_settings().mail_from)
    assert before == ("ann@example.com", False)
    assert response.status_code == 204
    assert await verified(db_session, "ann") == ("ann@example.com", True)
    assert (again.status_code, again.json()) == (400, {"detail": "Invalid or expired link."})


async def test_an_unverified_user_may_not_log_in_when_the_setting_says_so(
    anonymous_client: AsyncClient, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "require_verified_email", True)
    await sign_up(anonymous_client, "ann")
    form = {"username": "ann", "password": PASSWORD}

    refused = await anonymous_client.post("/auth/token", data=form)
    wrong = await anonymous_client.post("/auth/token", data={**form, "password": "wrong password"})
    token = await mailbox.token("ann@example.com", "verify-email")
    await anonymous_client.post("/auth/verify-email", json={"token": token})
    allowed = await anonymous_client.post("/auth/token", data=form)

    assert refused.status_code == 403
    assert wrong.status_code == 401  # said only to whoever knows the password
    assert allowed.status_code == 200


async def test_only_the_latest_verification_link_works(
    anonymous_client: AsyncClient, mailbox: Mailbox
) -> None:
    await sign_up(anonymous_client, "ann")
    first = await mailbox.token("ann@example.com", "verify-email")
    session = await log_in(anonymous_client, "ann")

    resent = await anonymous_client.post("/auth/verify-email/resend", headers=session.headers)
    latest = await mailbox.token("ann@example.com", "verify-email")
    old = await anonymous_client.post("/auth/verify-email", json={"token": first})
    new = await anonymous_client.post("/auth/verify-email", json={"token": latest})

    assert resent.status_code == 202
    assert len(await mailbox.to("ann@example.com")) == 2
    assert (old.status_code, new.status_code) == (400, 204)


async def test_a_reset_link_sets_a_new_password_once_and_ends_every_session(
    anonymous_client: AsyncClient, mailbox: Mailbox
) -> None:
    await sign_up(anonymous_client, "ann")
    sessions = [await log_in(anonymous_client, "ann") for _ in range(2)]

    asked = await anonymous_client.post("/auth/password-reset", json={"email": "ANN@example.com"})
    token = await mailbox.token("ann@example.com", "reset-password")
    reset = {"token": token, "new_password": NEW_PASSWORD}
    response = await anonymous_client.post("/auth/password-reset/confirm", json=reset)
    again = await anonymous_client.post(
        "/auth/password-reset/confirm", json={**reset, "new_password": "yet another password"}
    )

    assert asked.status_code == 202
    assert (await mailbox.to("ann@example.com"))[-1]["Subject"] == "Reset your password"
    assert response.status_code == 204
    assert again.status_code == 400
    for session in sessions:
        assert not await works(anonymous_client, session)
        assert await refreshed(anonymous_client, session) is None
    old = await anonymous_client.post("/auth/token", data={"username": "ann", "password": PASSWORD})
    assert old.status_code == 401
    assert await works(anonymous_client, await log_in(anonymous_client, "ann", NEW_PASSWORD))


async def test_a_reset_request_answers_alike_for_an_unknown_address_and_mails_no_one(
    anonymous_client: AsyncClient, mailbox: Mailbox
) -> None:
    await sign_up(anonymous_client, "ann")
    await mailbox.clear()

    known = await anonymous_client.post("/auth/password-reset", json={"email": "ann@example.com"})
    unknown = await anonymous_client.post("/auth/password-reset", json={"email": "no@example.com"})

    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert [sent["To"] for sent in await mailbox.mails()] == ["ann@example.com"]


async def test_an_expired_reset_link_is_refused(
    anonymous_client: AsyncClient, db_session: AsyncSession, mailbox: Mailbox
) -> None:
    await sign_up(anonymous_client, "ann")
    await anonymous_client.post("/auth/password-reset", json={"email": "ann@example.com"})
    token = await mailbox.token("ann@example.com", "reset-password")
    await db_session.execute(update(AccountToken).values(expires_at=now() - timedelta(seconds=1)))

    response = await anonymous_client.post(
        "/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 400
    assert await works(anonymous_client, await log_in(anonymous_client, "ann", PASSWORD))


async def test_the_database_keeps_only_hashes_of_mailed_tokens(
    anonymous_client: AsyncClient, db_session: AsyncSession, mailbox: Mailbox
) -> None:
    await sign_up(anonymous_client, "ann")
    token = await mailbox.token("ann@example.com", "verify-email")

    stored = (await db_session.scalars(select(AccountToken.token_hash))).all()

    assert len(stored) == 1
    assert token not in stored


async def test_a_new_email_counts_once_its_link_is_followed(
    anonymous_client: AsyncClient, db_session: AsyncSession, mailbox: Mailbox
) -> None:
    await sign_up(anonymous_client, "ann")
    session = await log_in(anonymous_client, "ann")
    change = {"email": "ann@new.example.com", "password": PASSWORD}

    wrong = await anonymous_client.put(
        "/users/me/email", json={**change, "password": "wrong password"}, headers=session.headers
    )
    asked = await anonymous_client.put("/users/me/email", json=change, headers=session.headers)
    pending = await verified(db_session, "ann")
    token = await mailbox.token("ann@new.example.com", "verify-email")
    followed = await anonymous_client.post("/auth/verify-email", json={"token": token})

    assert (wrong.status_code, asked.status_code, followed.status_code) == (403, 202, 204)
    assert pending == ("ann@example.com", False)
    assert await verified(db_session, "ann") == ("ann@new.example.com", True)


async def test_an_email_taken_by_another_user_is_a_conflict(
    anonymous_client: AsyncClient, mailbox: Mailbox
) -> None:
    await sign_up(anonymous_client, "ann")
    await sign_up(anonymous_client, "bob")
    ann = await log_in(anonymous_client, "ann")
    change = {"email": "bob@example.com", "password": PASSWORD}

    response = await anonymous_client.put("/users/me/email", json=change, headers=ann.headers)

    assert response.status_code == 409
    assert len(await mailbox.to("bob@example.com")) == 1  # bob's own, alone


async def test_without_a_mail_server_local_development_logs_a_link_that_works(
    anonymous_client: AsyncClient,
    db_session: AsyncSession,
    deliver_mail: Callable[[], Awaitable[object]],
    log_lines: Callable[[], list[dict[str, object]]],
) -> None:
    assert get_settings().smtp_host is None

    user_id = await sign_up(anonymous_client, "ann")
    await deliver_mail()
    (shown,) = [
        str(line["message"]) for line in log_lines() if "shown here" in str(line["message"])
    ]
    token = re.search(r"/verify-email\?token=(\S+)", shown)
    assert token is not None, shown
    followed = await anonymous_client.post("/auth/verify-email", json={"token": token[1]})

    said = f"No SMTP_HOST: the verification mail to user {user_id}, shown here, not sent: "
    assert shown.startswith(said)
    assert followed.status_code == 204
    assert await verified(db_session, "ann") == ("ann@example.com", True)


async def test_outside_local_development_an_unsent_mail_never_shows_its_link(
    anonymous_client: AsyncClient,
    deliver_mail: Callable[[], Awaitable[object]],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(get_settings(), "environment", "production")

    with caplog.at_level(logging.DEBUG):
        user_id = await sign_up(anonymous_client, "ann")
        await deliver_mail()

    messages = [record.getMessage() for record in caplog.records]
    assert f"No SMTP_HOST: the verification mail to user {user_id} was not sent" in messages
    assert not any("token=" in message for message in messages), messages


@pytest.mark.parametrize(
    "public_url", ["http://localhost:8000", "http://127.0.0.1", "http://[::1]/"]
)
def test_mail_that_links_to_this_machine_is_refused_outside_local_development(
    public_url: str,
) -> None:
    with pytest.raises(ValidationError, match="must be the address that users reach"):
        fresh_settings(
            environment="production", smtp_host="smtp.example.com", public_url=public_url
        )


@pytest.mark.parametrize(
    "settings",
    [
        {"environment": "production", "public_url": "https://app.example.com"},
        {"environment": "local", "public_url": "http://localhost:8000"},
    ],
)
def test_mail_links_lead_to_an_address_users_reach_or_to_a_developers_machine(
    settings: dict[str, str],
) -> None:
    assert fresh_settings(smtp_host="smtp.example.com", **settings).smtp_host


def test_without_mail_the_links_address_is_left_alone_anywhere() -> None:
    assert fresh_settings(environment="production", public_url="http://localhost:8000").public_url
