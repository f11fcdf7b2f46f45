"""The signed-in user and their session, as dependencies: `CurrentUser`, `CurrentSession`, and
`admin_only` for routes that need the admin role."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer

from app.api.deps import SessionDep
from app.api.rate_limit import RateLimit
from app.auth import service
from app.auth.tokens import AccessClaims, access_claims
from app.users.models import User

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token")


@dataclass(frozen=True)
class SignedIn:
    user: User
    claims: AccessClaims


async def get_current_session(
    token: Annotated[str, Depends(oauth2_scheme)], session: SessionDep
) -> SignedIn:
    """The token's user and session, both alive: read in one query at every request, so that a
    session ended on any process stops its tokens at once."""
    claims = access_claims(token)
    user = None if claims is None else await service.session_user(session, claims)
    if claims is None or user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Invalid or expired token.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return SignedIn(user=user, claims=claims)


CurrentSession = Annotated[SignedIn, Depends(get_current_session)]


async def get_current_user(current: CurrentSession) -> User:
    return current.user


CurrentUser = Annotated[User, Depends(get_current_user)]
# For routers whose every route needs a signed-in user.
signed_in = [Depends(get_current_user)]


async def require_admin(user: CurrentUser) -> User:
    if user.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Admins only.")
    return user


admin_only = [Depends(require_admin)]


def per_account(limit: RateLimit) -> Callable[[User], Awaitable[None]]:
    """A dependency that counts the signed-in user's requests against `limit`, wherever they come
    from (the limit itself counts per client address)."""

    async def count(user: CurrentUser) -> None:
        await limit.hit(f"user {user.id}")

    return count
