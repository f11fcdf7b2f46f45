"""Your own account: sign up, read it, change your password or email address, verify the address,
reset a forgotten password, delete the account.

Mails are sent after the request's commit (app/accounts/mailing.py): a slow or failing mail server
never delays a request or fails it.
"""

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, status

from app.accounts import links, service
from app.accounts.mailing import Mails
from app.accounts.schemas import (
    AccountDeletion,
    EmailChange,
    LinkToken,
    PasswordChange,
    PasswordReset,
    PasswordResetRequest,
)
from app.api.deps import SessionDep
from app.api.rate_limit import RateLimit
from app.auth.deps import CurrentSession, CurrentUser, per_account
from app.users.deps import NewUser
from app.users.schemas import UserPrivate

router = APIRouter()
sign_up_rate_limit = RateLimit("sign_up_rate_limit")
# Password checks of a signed-in user (a change, a deletion): per client address and per account,
# so that a stolen access token cannot try passwords at length, from one address or many.
password_rate_limit = RateLimit("password_rate_limit")
password_checks = [Depends(password_rate_limit), Depends(per_account(password_rate_limit))]
# Account mails asked for, and reset links followed: per client address, and per email address
# (whoever asks) or account.
mail_rate_limit = RateLimit("mail_rate_limit")

Responses = dict[int | str, dict[str, Any]]
TOO_MANY: Responses = {status.HTTP_429_TOO_MANY_REQUESTS: {"description": "Too many attempts"}}
WRONG_PASSWORD: Responses = {status.HTTP_403_FORBIDDEN: {"description": "Incorrect password"}}
BAD_LINK: Responses = {status.HTTP_400_BAD_REQUEST: {"description": "Invalid or expired link"}}
EMAIL_TAKEN: Responses = {status.HTTP_409_CONFLICT: {"description": "The address is taken"}}
LAST_ADMIN: Responses = {status.HTTP_409_CONFLICT: {"description": "The last active admin"}}


def incorrect_password() -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, detail="Incorrect password.")


def bad_link() -> HTTPException:
    return HTTPException(status.HTTP_400_BAD_REQUEST, detail="Invalid or expired link.")


def last_admin() -> HTTPException:
    return HTTPException(
        status.HTTP_409_CONFLICT, detail="The service needs an active admin: make another first."
    )


def email_taken() -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, detail="A user with this email already exists.")


@router.post(
    "/users/",
    tags=["users"],
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(sign_up_rate_limit)],
    responses={status.HTTP_429_TOO_MANY_REQUESTS: {"description": "Too many sign-ups"}},
)
async def sign_up(user: NewUser, session: SessionDep, mails: Mails) -> UserPrivate:
    """Sign up: a link that verifies the email address is mailed to it."""
    await mails.verification(session, user_id=user.id, email=user.email)
    return UserPrivate.model_validate(user)


@router.get("/users/me", tags=["users"])
async def read_me(current_user: CurrentUser) -> UserPrivate:
    """Read the signed-in user, email included."""
    return UserPrivate.model_validate(current_user)


@router.put(
    "/users/me/password",
    tags=["users"],
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=password_checks,
    responses={**WRONG_PASSWORD, **TOO_MANY},
)
async def change_password(
    change: PasswordChange, signed_in: CurrentSession, session: SessionDep
) -> None:
    """Change your password: the current one is required. Every other session ends."""
    changed = await service.change_password(
        session,
        signed_in.user,
        signed_in.claims,
        current=change.current_password.get_secret_value(),
        new=change.new_password.get_secret_value(),
    )
    if not changed:
        raise incorrect_password()


@router.put(
    "/users/me/email",
    tags=["users"],
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=password_checks,
    responses={**WRONG_PASSWORD, **EMAIL_TAKEN, **TOO_MANY},
)
async def change_email(
    change: EmailChange, user: CurrentUser, session: SessionDep, mails: Mails
) -> None:
    """Change your email address, with your password: a link is mailed to the new address, and
    the change counts once it is followed."""
    if not await service.check_password(session, user, change.password.get_secret_value()):
        raise incorrect_password()
    if await service.email_taken(session, change.email):
        raise email_taken()
    await mails.verification(session, user_id=user.id, email=change.email)


@router.post(
    "/auth/verify-email",
    tags=["auth"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**BAD_LINK, **EMAIL_TAKEN},
)
async def verify_email(body: LinkToken, session: SessionDep) -> None:
    """Follow a verification link: the address it was mailed to becomes the user's, verified."""
    try:
        verified = await links.verify_email(session, body.token)
    except links.EmailTakenError:
        raise email_taken() from None
    if not verified:
        raise bad_link()


@router.post(
    "/auth/verify-email/resend",
    tags=["auth"],
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(per_account(mail_rate_limit))],
    responses=TOO_MANY,
)
async def resend_verification(user: CurrentUser, session: SessionDep, mails: Mails) -> None:
    """Mail a new verification link to your address (unless it is verified): the ones before it
    stop working."""
    if user.email_verified:
        return
    await mails.verification(session, user_id=user.id, email=user.email)


@router.post(
    "/auth/password-reset",
    tags=["auth"],
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(mail_rate_limit)],
    responses=TOO_MANY,
)
async def request_password_reset(
    body: PasswordResetRequest, session: SessionDep, mails: Mails
) -> dict[str, str]:
    """Ask for a reset link. The answer is the same, as fast, whether or not the address is a
    user's: the look-up and the mail happen after it."""
    await mail_rate_limit.hit(f"email {body.email}")
    await mails.password_reset(session, email=body.email)
    return {"detail": "If the address is a user's, a reset link is on its way to it."}


@router.post(
    "/auth/password-reset/confirm",
    tags=["auth"],
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Depends(mail_rate_limit)],
    responses={**BAD_LINK, **TOO_MANY},
)
async def reset_password(body: PasswordReset, session: SessionDep) -> None:
    """Follow a reset link with a new password: every session of the user ends."""
    if not await links.reset_password(session, body.token, body.new_password.get_secret_value()):
        raise bad_link()


@router.delete(
    "/users/me",
    tags=["users"],
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=password_checks,
    responses={**WRONG_PASSWORD, **LAST_ADMIN, **TOO_MANY},
)
async def delete_account(
    deletion: AccountDeletion, current_user: CurrentUser, session: SessionDep
) -> None:
    """Delete your account, with your password: your sessions and your items go with it."""
    try:
        deleted = await service.delete_account(
            session, current_user, password=deletion.password.get_secret_value()
        )
    except service.LastAdminError:
        raise last_admin() from None
    if not deleted:
        raise incorrect_password()
