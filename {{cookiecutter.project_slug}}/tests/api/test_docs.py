import base64
import hashlib
import re

from httpx import ASGITransport, AsyncClient

from app.main import app

ASSET = re.compile(r'(?:src|href)="([^"]*)"')
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", flags=re.DOTALL)


async def test_the_docs_page_loads_only_its_own_assets(async_client: AsyncClient) -> None:
    page = await async_client.get("/docs")
    assets = ASSET.findall(page.text)
    served = [await async_client.get(asset) for asset in assets]

    assert page.status_code == 200
    assert sorted(assets) == [
        "/docs/assets/favicon.png",
        "/docs/assets/swagger-ui-bundle.js",
        "/docs/assets/swagger-ui.css",
    ]
    assert [response.status_code for response in served] == [200] * len(assets)
    assert all(len(response.content) > 1000 for response in served)
    assert "'/openapi.json'" in page.text


async def test_the_docs_page_allows_its_own_inline_script_by_hash_and_nothing_else(
    async_client: AsyncClient,
) -> None:
    page = await async_client.get("/docs")
    policy = dict(
        directive.split(" ", 1) for directive in page.headers["content-security-policy"].split("; ")
    )
    (script,) = INLINE_SCRIPT.findall(page.text)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()

    assert policy["script-src"] == f"'self' 'sha256-{digest}'"
    assert policy["style-src"] == "'self'"
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in page.headers["content-security-policy"]


async def test_the_docs_page_behind_a_path_prefix_names_its_assets_under_it() -> None:
    transport = ASGITransport(app=app, root_path="/api")
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        page = await client.get("/api/docs")

    assert page.status_code == 200
    assert "/api/docs/assets/swagger-ui-bundle.js" in ASSET.findall(page.text)
    assert "'/api/openapi.json'" in page.text
