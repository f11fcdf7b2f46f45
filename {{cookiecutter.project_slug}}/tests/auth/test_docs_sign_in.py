"""The docs page signs people in at the identity provider when OIDC_DOCS_CLIENT_ID names its
client: the authorization code flow with PKCE, under the page's Content Security Policy, which lets
it reach the provider and nothing else. (tests/test_docs_page.py of the template runs the whole
sign-in in a browser.)"""

import base64
import hashlib
import re
from collections.abc import AsyncIterator

import pytest
from httpx import ASGITransport, AsyncClient

from app.main import create_app
from tests.identity_provider import ISSUER
from tests.settings import fresh_settings

INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", flags=re.DOTALL)


def policy_of(header: str) -> dict[str, str]:
    return dict(directive.split(" ", 1) for directive in header.split("; "))


def allows(policy: dict[str, str], page: str) -> bool:
    """Whether the policy's script-src allows exactly the page's inline scripts."""
    hashes = [
        base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        for script in INLINE_SCRIPT.findall(page)
    ]
    return policy["script-src"] == " ".join(["'self'", *(f"'sha256-{h}'" for h in hashes)])


@pytest.fixture
async def docs_client(client_id: str | None) -> AsyncIterator[AsyncClient]:
    """A client of the app as a deployment with this docs client (or none) has it."""
    app = create_app(fresh_settings(oidc_docs_client_id=client_id, api_docs=True))
    transport = ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="http://api.example.com") as client:
        yield client


@pytest.mark.parametrize("client_id", ["the-docs"])
async def test_with_a_docs_client_the_page_signs_in_at_the_provider_with_pkce(
    docs_client: AsyncClient,
) -> None:
    page = await docs_client.get("/docs")
    back = await docs_client.get("/docs/oauth2-redirect")
    schema = (await docs_client.get("/openapi.json")).json()
    policy = policy_of(page.headers["content-security-policy"])

    assert '"clientId": "the-docs"' in page.text
    assert '"usePkceWithAuthorizationCodeGrant": true' in page.text
    assert "oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect'" in page.text
    assert schema["components"]["securitySchemes"]["provider"] == {
        "type": "openIdConnect",
        "openIdConnectUrl": f"{ISSUER.url}/.well-known/openid-configuration",
    }
    assert policy["connect-src"] == f"'self' {ISSUER.url}"
    assert allows(policy, page.text)
    assert back.status_code == 200
    assert allows(policy_of(back.headers["content-security-policy"]), back.text)


@pytest.mark.parametrize("client_id", [None])
async def test_without_one_the_page_takes_a_token_pasted_in(docs_client: AsyncClient) -> None:
    page = await docs_client.get("/docs")
    back = await docs_client.get("/docs/oauth2-redirect")

    assert "initOAuth" not in page.text
    assert back.status_code == 404
