"""The signed-in user, as dependencies: `CurrentUser`, the user that the request's token from the
identity provider names (app/auth/identity.py), made the first time it comes; `admin_only` for
routes that need the admin role (OIDC_ADMIN_ROLE among the token's roles)."""

import math
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OpenIdConnect

from app.api.deps import SessionDep
from app.auth.identity import Identity, InvalidTokenError, identity
from app.auth.provider import ProviderUnavailableError, get_provider_keys
from app.core.config import get_settings
from app.users import service
from app.users.models import User

# A token pasted in, or one that the docs page gets by signing in at the provider (Swagger UI reads
# its discovery document): the same header either way, read by `bearer`.
bearer = HTTPBearer(auto_error=False, description="An access token from the identity provider")
at_the_provider = OpenIdConnect(
    openIdConnectUrl=f"{get_settings().oidc_issuer}/.well-known/openid-configuration",
    scheme_name="provider",
    auto_error=False,
)


@dataclass(frozen=True)
class SignedIn:
    user: User
    identity: Identity


def unauthorized() -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        detail="Invalid or expired token.",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def get_signed_in(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    _: Annotated[str | None, Depends(at_the_provider)],
    session: SessionDep,
) -> SignedIn:
    """The token's identity and its user, who must be active here.

    A token whose key cannot be checked while the provider is down gets 503 with Retry-After, not
    401: its bearer did nothing wrong, and would otherwise be sent to sign in again at a provider
    that is down.
    """
    keys = get_provider_keys()
    if credentials is None or keys is None:
        raise unauthorized()
    try:
        signed_in = await identity(credentials.credentials, keys, get_settings())
    except InvalidTokenError:
        raise unauthorized() from None
    except ProviderUnavailableError as error:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            detail=str(error),
            headers={"Retry-After": str(math.ceil(error.retry_seconds))},
        ) from None
    user = await service.user_of(session, signed_in)
    if not user.is_active:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="This account is deactivated.")
    return SignedIn(user=user, identity=signed_in)


CurrentSignIn = Annotated[SignedIn, Depends(get_signed_in)]


async def get_current_user(current: CurrentSignIn) -> User:
    return current.user


CurrentUser = Annotated[User, Depends(get_current_user)]
# For routers whose every route needs a signed-in user.
signed_in = [Depends(get_current_user)]


async def require_admin(current: CurrentSignIn) -> User:
    if get_settings().oidc_admin_role not in current.identity.roles:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Admins only.")
    return current.user


admin_only = [Depends(require_admin)]
