"""Who an access token from the identity provider says its bearer is, once it is proven genuine.

A token counts only when it names the key it is signed with (`kid`), one of the provider's keys
(app/auth/provider.py), and an algorithm that OIDC_ALGORITHMS allow and that key signs with; when
its issuer (`iss`) is OIDC_ISSUER and its audience (`aud`, or the claim OIDC_AUDIENCE_CLAIM names)
is OIDC_AUDIENCE; and when it has not expired (`exp`) and is already valid (`nbf`, `iat`), give or
take OIDC_LEEWAY_SECONDS. HS256 (whose "secret" would be the provider's public key) and `none` are
never among the algorithms.
"""

from dataclasses import dataclass
from typing import Annotated, Any

import jwt
from pydantic import BaseModel, StringConstraints, ValidationError

from app.auth.provider import ProviderKeys
from app.core.config import Settings
from app.core.text import StorableText
from app.users.models import EMAIL_MAX_LENGTH, SUBJECT_MAX_LENGTH, USERNAME_MAX_LENGTH

REQUIRED_CLAIMS = ["exp", "iat", "iss", "sub"]

# As the provider gives them: a subject is compared as it is, spaces and all.
Text = Annotated[str, StorableText, StringConstraints(min_length=1)]


class Claims(BaseModel):
    """The claims that the service keeps of a user, refused when a database could not store them."""

    sub: Annotated[Text, StringConstraints(max_length=SUBJECT_MAX_LENGTH)]
    preferred_username: Text | None = None
    email: Annotated[Text, StringConstraints(max_length=EMAIL_MAX_LENGTH)] | None = None


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    username: str
    email: str | None
    roles: frozenset[str]


class InvalidTokenError(Exception):
    """The token is not one that this service accepts."""


async def identity(token: str, keys: ProviderKeys, settings: Settings) -> Identity:
    """The token's identity. Raises InvalidTokenError for any token that does not count, and
    ProviderUnavailableError when its key is unknown here and the provider cannot be asked."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise InvalidTokenError from None
    kid, algorithm = header.get("kid"), header.get("alg")
    if not isinstance(kid, str) or algorithm not in settings.oidc_algorithms:
        raise InvalidTokenError
    key = await keys.key(kid)
    if key is None or algorithm not in key.algorithms:
        raise InvalidTokenError
    by_aud = settings.oidc_audience_claim == "aud"
    try:
        claims = jwt.decode(
            token,
            key.key,
            algorithms=[algorithm],
            audience=settings.oidc_audience if by_aud else None,
            issuer=settings.oidc_issuer,
            leeway=settings.oidc_leeway_seconds,
            options={
                "require": [*REQUIRED_CLAIMS, settings.oidc_audience_claim],
                "verify_aud": by_aud,
            },
        )
        kept = Claims.model_validate(claims)
    except (jwt.InvalidTokenError, ValidationError) as refused:
        raise InvalidTokenError from refused
    if not by_aud and claims[settings.oidc_audience_claim] != settings.oidc_audience:
        raise InvalidTokenError
    return Identity(
        issuer=keys.issuer,
        subject=kept.sub,
        username=(kept.preferred_username or kept.email or kept.sub)[:USERNAME_MAX_LENGTH],
        email=kept.email,
        roles=roles(claims, settings.oidc_roles_claim),
    )


def roles(claims: dict[str, Any], path: str) -> frozenset[str]:
    """The roles at this path of claims (`realm_access.roles`): a list of names, or one string of
    names separated by spaces (as `scope` is)."""
    value: object = claims
    for name in path.split("."):
        value = value.get(name) if isinstance(value, dict) else None
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list):
        return frozenset(role for role in value if isinstance(role, str))
    return frozenset()
