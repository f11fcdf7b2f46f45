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
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
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


def requested_urls(browser: webdriver.Chrome) -> list[str]:
    """Every URL the page has asked for since the last call."""
    events = (json.loads(entry["message"])["message"] for entry in log(browser, "performance"))
    return [
        event["params"]["request"]["url"]
        for event in events
        if event["method"] == "Network.requestWillBeSent"
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
            click(browser, "#operations-users-read_me_users_me_get .opblock-summary")
            click(browser, "#operations-users-read_me_users_me_get .try-out__btn")
            click(browser, "#operations-users-read_me_users_me_get .execute")
            table = "#operations-users-read_me_users_me_get .live-responses-table"
            wait_for(
                browser,
                "the signed-in user",
                lambda b: (
                    '"username": "ann"'
                    in "".join(element.text for element in b.find_elements(By.CSS_SELECTOR, table))
                ),
            )
            requests = requested_urls(browser)
            refused = [
                entry["message"]
                for entry in log(browser, "browser")
                if "Content Security Policy" in entry["message"]
            ]

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
