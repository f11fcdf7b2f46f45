"""The API docs page: Swagger UI from the app's own assets, under a strict Content Security Policy.

The assets (Swagger UI's bundle and CSS, and a favicon) are fastapi-offline's copy, installed with
the project: the page loads nothing from elsewhere, so it works offline, and no third party's
script runs where users paste their tokens. The page's one inline script, which starts Swagger
UI, is allowed by its hash; nothing else inline is.

Where the app signs people in at an identity provider (its `swagger_ui_init_oauth`), the page may
also ask that provider for its discovery document and tokens, and the provider sends people back
to DOCS_URL/oauth2-redirect, a page of its own under the same policy.
"""

import base64
import hashlib
import re
from functools import lru_cache
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
ASSETS_URL = "/docs/assets"
SIGNED_IN_URL = "/docs/oauth2-redirect"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", flags=re.DOTALL)


def add_docs(app: FastAPI) -> None:
    """Serve the docs page and its assets (the app serves its OpenAPI schema too)."""
    app.mount(ASSETS_URL, StaticFiles(packages=[("fastapi_offline", "static")]), name="docs")
    page = lru_cache(maxsize=8)(lambda root: docs_page(app, root))  # one per root path

    @app.get(DOCS_URL, include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        body, policy = page(request.scope.get("root_path", "").rstrip("/"))
        return HTMLResponse(body, headers={"Content-Security-Policy": policy})

    if app.swagger_ui_init_oauth:
        back = bytes(get_swagger_ui_oauth2_redirect_html().body)
        policy = content_security_policy(back.decode())

        @app.get(SIGNED_IN_URL, include_in_schema=False)
        async def signed_in() -> HTMLResponse:
            """Where the provider sends people back: hands the code to the docs page."""
            return HTMLResponse(back, headers={"Content-Security-Policy": policy})


def docs_page(app: FastAPI, root: str) -> tuple[bytes, str]:
    """The page for an app served under a root path, and the policy that lets it run."""
    body = bytes(
        get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            oauth2_redirect_url=f"{root}{SIGNED_IN_URL}" if app.swagger_ui_init_oauth else None,
            init_oauth=app.swagger_ui_init_oauth,
            swagger_ui_parameters=app.swagger_ui_parameters,
        ).body
    )
    return body, content_security_policy(body.decode(), providers(app))


def providers(app: FastAPI) -> list[str]:
    """The origins of the identity providers whose discovery documents the schema names."""
    schemes = app.openapi().get("components", {}).get("securitySchemes", {}).values()
    urls = [scheme["openIdConnectUrl"] for scheme in schemes if scheme["type"] == "openIdConnect"]
    return sorted({f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" for url in urls})


def content_security_policy(page: str, providers: list[str] | None = None) -> str:
    """Scripts and styles from this origin, plus the page's inline scripts by their hashes; the
    schema and "Try it out" requests to this origin, and sign-in requests to the providers' (the
    discovery document, the token); images from it and `data:` URLs (the stylesheet's icons);
    nothing else, and no framing."""
    hashes = " ".join(map(source_hash, _INLINE_SCRIPT.findall(page)))
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' {hashes}",
            "style-src 'self'",
            "img-src 'self' data:",
            " ".join(["connect-src 'self'", *(providers or [])]),
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def source_hash(script: str) -> str:
    """A CSP source that allows this inline script."""
    digest = hashlib.sha256(script.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"
