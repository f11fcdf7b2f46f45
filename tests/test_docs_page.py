"""The API docs page in a real browser, offline.

Headless Chromium (Debian's `chromium`, driven through Selenium and Debian's `chromium-driver`)
opens a render's `/docs`, served by `python -m app.server` on loopback, with every other host
unreachable: names resolve to nothing and any other address goes to a proxy that is not there. The
page must list every operation of the schema, sign a user in with "Authorize" and show that user
through "Try it out" on `GET /users/me`; every request it made must have stayed on loopback, and
the browser must have refused nothing under the page's Content Security Policy. A screenshot of
the page is kept in ARTIFACTS_DIR (default: artifacts/ in the checkout).
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.processes import free_port, serving
from tests.rendering import TEMPLATE_DIR, environment, render, server_unavailable

ARTIFACTS = Path(os.environ.get("ARTIFACTS_DIR", TEMPLATE_DIR / "artifacts"))
# What a slow, shared machine may need to parse Swagger UI's bundle and answer: generous, and only
# ever waited out when the page is broken.
WAIT_SECONDS = 60
# Only loopback: any name resolves to nothing, and any other address goes to a proxy that is not
# there (Chromium reaches loopback directly, never through a proxy).
OFFLINE = [
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
]


@contextmanager
def chromium(screenshot: Path) -> Iterator[webdriver.Chrome]:
    """Headless Chromium, offline, recording the page's requests; its screenshot taken last."""
    browser, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if browser is None or driver is None:
        server_unavailable("Chromium or chromium-driver is not installed", "the docs page test")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in [*OFFLINE, "--headless=new", "--no-sandbox", "--window-size=1280,2000"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    session = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    try:
        yield session
    finally:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        session.save_screenshot(str(screenshot))
        session.quit()


def log(browser: webdriver.Chrome, kind: str) -> list[dict[str, Any]]:
    """The browser's log of this kind since the last call."""
    entries: list[dict[str, Any]] = browser.get_log(kind)  # type: ignore[no-untyped-call]
    return entries


def requested_urls(browser: webdriver.Chrome, by: str = "") -> list[str]:
    """Every URL that a page whose address starts with `by` has asked for since the last call."""
    events = (json.loads(entry["message"])["message"] for entry in log(browser, "performance"))
    return [
        event["params"]["request"]["url"]
        for event in events
        if event["method"] == "Network.requestWillBeSent"
        and event["params"].get("documentURL", "").startswith(by)
    ]


def wait_for(
    browser: webdriver.Chrome, what: str, condition: Callable[[webdriver.Chrome], object]
) -> None:
    try:
        WebDriverWait(browser, WAIT_SECONDS).until(condition)
    except TimeoutException:
        page = browser.find_element(By.TAG_NAME, "body").text[:2000] or "(nothing)"
        asked = "\n".join(requested_urls(browser))
        pytest.fail(
            f"{what}: not within {WAIT_SECONDS} s. The page shows:\n{page}\nIt asked for:\n{asked}"
        )


def click(browser: webdriver.Chrome, selector: str) -> None:
    wait_for(
        browser, f"no {selector} to click", lambda b: b.find_elements(By.CSS_SELECTOR, selector)
    )
    browser.find_element(By.CSS_SELECTOR, selector).click()


def shows_who_is_signed_in(browser: webdriver.Chrome, username: str) -> None:
    """Try `GET /users/me` on the page, and wait until its answer names the user."""
    operation = "#operations-users-read_me_users_me_get"
    click(browser, f"{operation} .opblock-summary")
    click(browser, f"{operation} .try-out__btn")
    click(browser, f"{operation} .execute")
    table = f"{operation} .live-responses-table"
    wait_for(
        browser,
        "the signed-in user",
        lambda b: (
            f'"username": "{username}"'
            in "".join(element.text for element in b.find_elements(By.CSS_SELECTOR, table))
        ),
    )


def refused_by_the_policy(browser: webdriver.Chrome) -> list[str]:
    """What the browser has refused under the page's Content Security Policy."""
    return [
        entry["message"]
        for entry in log(browser, "browser")
        if "Content Security Policy" in entry["message"]
    ]


@pytest.mark.slow
def test_the_docs_page_signs_in_and_tries_an_operation_offline_loading_nothing_from_elsewhere(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    project = render(tmp_path, {"auth": "jwt", "use_alembic": False})
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    settings = {
        "ENVIRONMENT": "local",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'docs.db'}",
        "SECRET_KEY": secrets.token_hex(32),
        "PORT": str(port),
    }
    user = {"username": "ann", "email": "ann@example.com", "password": "ann's long password"}
    screenshot = ARTIFACTS / "docs-page.png"
    server = [sys.executable, "-m", "app.server"]

    with serving(server, port, tmp_path / "server.log", cwd=project, env=environment(settings)):
        httpx.post(f"{base_url}/users/", json=user).raise_for_status()
        schema = httpx.get(f"{base_url}/openapi.json").raise_for_status().json()
        with chromium(screenshot) as browser:
            browser.get(f"{base_url}/docs")
            wait_for(
                browser,
                "the operations list",
                lambda b: b.find_elements(By.CSS_SELECTOR, ".opblock-summary-path"),
            )
            shown = {
                element.get_attribute("data-path")
                for element in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
            }
            click(browser, "button.authorize")
            browser.find_element(By.ID, "oauth_username").send_keys(user["username"])
            browser.find_element(By.ID, "oauth_password").send_keys(user["password"])
            click(browser, ".auth-btn-wrapper button.authorize")
            wait_for(
                browser, "the sign-in", lambda b: b.find_elements(By.CSS_SELECTOR, ".btn-done")
            )
            click(browser, ".btn-done")
            shows_who_is_signed_in(browser, "ann")
            requests = requested_urls(browser)
            refused = refused_by_the_policy(browser)

    elsewhere = [url for url in requests if not url.startswith((base_url, "data:"))]
    assert shown == set(schema["paths"])
    assert elsewhere == []
    assert refused == []
    assert f"{base_url}/docs/assets/swagger-ui-bundle.js" in requests
    record_property(
        "figure",
        f"docs page: {len(shown)} paths shown, signed in and read /users/me; requests: "
        + ", ".join(sorted({url.removeprefix(base_url) for url in requests if "data:" not in url}))
        + f"; screenshot {screenshot}",
    )


@pytest.mark.slow
def test_the_docs_page_signs_in_at_the_identity_provider_with_pkce(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    """With `auth=oidc`: "Authorize" opens the provider's sign-in (the render's live tests'
    provider, panva's oidc-provider, at its development login page), the page gets a token by the
    authorization code flow with PKCE, and "Try it out" shows the user it signed in."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        server_unavailable("Node.js or npm is not installed", "the docs page's sign-in test")
    project = render(tmp_path, {"auth": "oidc", "use_alembic": False})
    provider_code = tmp_path / "provider"
    shutil.copytree(project / "tests/auth/oidc_provider", provider_code)
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=provider_code,
        check=True,
        capture_output=True,
        timeout=300,
    )
    port, provider_port = free_port(), free_port()
    base_url, issuer = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{provider_port}"
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = {**ECAlgorithm.to_jwk(key, as_dict=True), "kid": uuid.uuid4().hex, "alg": "ES256"}
    audience = "urn:example:service"
    provider = {
        "PATH": os.environ["PATH"],
        "PORT": str(provider_port),
        "AUDIENCE": audience,
        "KEYS": json.dumps([jwk]),
        "CLIENTS": "[]",
        "TOKEN_SECONDS": "300",
        "DOCS_REDIRECT_URI": f"{base_url}/docs/oauth2-redirect",
    }
    settings = {
        "ENVIRONMENT": "local",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'docs.db'}",
        "PORT": str(port),
        "OIDC_ISSUER": issuer,
        "OIDC_AUDIENCE": audience,
        "OIDC_DOCS_CLIENT_ID": "docs",
    }
    screenshot = ARTIFACTS / "docs-page-oidc.png"

    with (
        serving(
            [node, "provider.mjs"],
            provider_port,
            tmp_path / "provider.log",
            provider_code,
            provider,
        ),
        serving(
            [sys.executable, "-m", "app.server"],
            port,
            tmp_path / "server.log",
            cwd=project,
            env=environment(settings),
        ),
        chromium(screenshot) as browser,
    ):
        browser.get(f"{base_url}/docs")
        wait_for(
            browser,
            "the operations list",
            lambda b: b.find_elements(By.CSS_SELECTOR, ".opblock-summary-path"),
        )
        docs_window = browser.current_window_handle
        click(browser, "button.authorize")
        at_the_provider = (
            "//div[contains(@class, 'auth-container')][.//h4[contains(., 'provider')]]"
            "[contains(., 'authorization_code')]//button[contains(@class, 'authorize')]"
        )
        wait_for(
            browser, "the provider's sign-in", lambda b: b.find_elements(By.XPATH, at_the_provider)
        )
        browser.find_element(By.XPATH, at_the_provider).click()
        wait_for(browser, "the provider's window", lambda b: len(b.window_handles) == 2)
        browser.switch_to.window(next(h for h in browser.window_handles if h != docs_window))
        click(browser, "input[name=login]")
        browser.find_element(By.CSS_SELECTOR, "input[name=login]").send_keys("alice")
        browser.find_element(By.CSS_SELECTOR, "input[name=password]").send_keys("any")
        click(browser, "button[type=submit]")
        click(browser, "button[type=submit]")  # the consent
        wait_for(browser, "the provider's window to close", lambda b: len(b.window_handles) == 1)
        browser.switch_to.window(docs_window)
        wait_for(browser, "the sign-in", lambda b: b.find_elements(By.CSS_SELECTOR, ".btn-done"))
        click(browser, ".btn-done")
        shows_who_is_signed_in(browser, "alice")
        requests = requested_urls(browser, by=base_url)  # the docs page's; not the provider's
        refused = refused_by_the_policy(browser)

    elsewhere = [url for url in requests if not url.startswith((base_url, issuer, "data:"))]
    assert elsewhere == []
    assert refused == []
    assert f"{issuer}/token" in requests
    record_property(
        "figure",
        "docs page: signed in at the provider (authorization code with PKCE) and read /users/me; "
        f"requests to it: {sorted({url.removeprefix(issuer) for url in requests} - {*requests})}",
    )
