"""Every answer carries a request id, every log line of a request carries it too, nothing secret is
ever logged, and nothing a client sends can forge a line."""

import asyncio
import io
import logging
import re
import time
from collections.abc import Callable, Iterator

import pytest
import uvicorn
from fastapi import BackgroundTasks
from httpx import ASGITransport, AsyncClient

from app.core.config import get_settings
from app.core.logging import CONTROL, MAX_VALUE_LENGTH, configure_logging
from app.main import create_app
from tests.api_client import app_with_a_failing_route
from tests.live_server import free_port

LogLines = Callable[[], list[dict[str, object]]]
NEW_REQUEST_ID = re.compile(r"[0-9a-f]{32}")


async def test_a_sane_request_id_is_kept_and_on_every_line_of_its_request(
    async_client: AsyncClient, log_lines: LogLines
) -> None:
    response = await async_client.get("/items/", headers={"X-Request-ID": "abc.DEF_123-x"})

    assert response.headers["X-Request-ID"] == "abc.DEF_123-x"
    lines = log_lines()
    assert lines
    assert {line["request_id"] for line in lines} == {"abc.DEF_123-x"}
    (access,) = [line for line in lines if line["name"] == "app.access"]
    assert (access["method"], access["path"], access["status"]) == ("GET", "/items/", 200)
    assert access["client"] == "127.0.0.1"
    assert isinstance(access["duration_ms"], float)


async def test_a_request_is_timed_and_logged_as_its_response_ends_not_after_its_background_work(
    log_lines: LogLines,
) -> None:
    served = create_app(get_settings())
    background_seconds = 0.1
    logged_before_the_work_ended = []

    @served.get("/answers-then-works")
    async def answers_then_works(background: BackgroundTasks) -> None:
        async def work() -> None:
            await asyncio.sleep(background_seconds)
            access = [line for line in log_lines() if line["name"] == "app.access"]
            logged_before_the_work_ended.append(len(access))

        background.add_task(work)

    async with AsyncClient(transport=ASGITransport(served), base_url="http://test") as client:
        started = time.perf_counter()
        response = await client.get("/answers-then-works")  # returns once the work is done
        whole = time.perf_counter() - started

    (access,) = [line for line in log_lines() if line["name"] == "app.access"]
    assert response.status_code == 200
    assert logged_before_the_work_ended == [1]
    # The response's own time, with none of the work's.
    duration = float(str(access["duration_ms"])) / 1000
    assert duration < whole - background_seconds, (duration, whole)


@pytest.mark.parametrize(
    "sent", [b"", b"x" * 65, b"two words", b"semi;colon", "caf\u00e9".encode(), b"a\tb"]
)
async def test_any_other_request_id_is_replaced_by_a_new_one(
    async_client: AsyncClient, sent: bytes
) -> None:
    response = await async_client.get("/health", headers={b"X-Request-ID": sent})

    assert NEW_REQUEST_ID.fullmatch(response.headers["X-Request-ID"])


async def test_the_request_id_is_on_4xx_and_5xx_answers(async_client: AsyncClient) -> None:
    sent = {"X-Request-ID": "failing-request"}
    transport = ASGITransport(app_with_a_failing_route(), raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        server_error = await client.get("/fails", headers=sent)

    answers = [
        await async_client.get("/nowhere", headers=sent),
        await async_client.post("/items/", content=b"{", headers=sent),
        server_error,
    ]

    assert [answer.status_code for answer in answers] == [404, 422, 500]
    assert [answer.headers["X-Request-ID"] for answer in answers] == ["failing-request"] * 3
    assert server_error.json() == {"detail": "Internal server error"}


async def test_no_password_token_or_authorization_value_is_logged(
    async_client: AsyncClient, log_lines: LogLines
) -> None:
    password = "correct horse battery staple, never logged"
    stranger = "Bearer not-a-token-but-secret"

    await async_client.post(
        "/users/", json={"username": "logged", "email": "logged@example.com", "password": password}
    )
    await async_client.get("/items/?token=secret-in-a-query", headers={"Authorization": stranger})

    written = str(log_lines())
    secrets = [
        password,
        stranger,
        "secret-in-a-query",
        *async_client.headers.get_list("Authorization"),
    ]
    assert [secret for secret in secrets if secret in written] == []
    assert "/items/" in written


async def test_an_unhandled_exception_is_logged_once_with_its_traceback_and_request_id(
    log_lines: LogLines,
) -> None:
    # uvicorn serves it in this process, and logs through the app's configuration.
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app_with_a_failing_route(), port=port, lifespan="off", log_config=None)
    )
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:  # noqa: ASYNC110 (uvicorn raises a flag, not an event)
            await asyncio.sleep(0.01)
        async with AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            response = await client.get("/fails", headers={"X-Request-ID": "the-failing-one"})
    finally:
        server.should_exit = True
        await serving

    assert response.status_code == 500
    failures = [line for line in log_lines() if "exc_info" in line]
    assert len(failures) == 1
    assert failures[0]["request_id"] == "the-failing-one"
    assert "RuntimeError: a bug" in str(failures[0]["exc_info"])


async def test_successful_probes_are_debug_lines_and_everything_else_info(
    async_client: AsyncClient, log_lines: LogLines
) -> None:
    await async_client.get("/health")
    await async_client.get("/health/ready")
    await async_client.get("/nowhere")

    access = [(line["path"], line["level"]) for line in log_lines() if line["name"] == "app.access"]
    assert access == [("/health", "DEBUG"), ("/health/ready", "DEBUG"), ("/nowhere", "INFO")]


@pytest.fixture(params=["console", "json"])
def printed(request: pytest.FixtureRequest) -> Iterator[Callable[[], str]]:
    """What the app's logging prints during the test, in each format."""
    configure_logging(get_settings().model_copy(update={"log_format": request.param}))
    (handler,) = logging.getLogger().handlers
    output = io.StringIO()
    handler.setStream(output)  # type: ignore[attr-defined]
    try:
        yield output.getvalue
    finally:
        configure_logging(get_settings())


FORGED_LINE = "2026-01-01 00:00:00,000 INFO     app.access [-] GET /admin 200 1.0 ms 10.0.0.1"


@pytest.mark.parametrize(
    "path",
    [
        f"/x%0d%0a{FORGED_LINE}",
        "/x%0a%1b[2J%1b[31mred%c2%85next%e2%80%a8line",
        "/x" + "a" * 60_000,
    ],
    ids=["forged-line", "terminal-escapes", "60-kb-path"],
)
async def test_a_path_cannot_forge_a_line_repaint_a_terminal_or_fill_the_disk(
    async_client: AsyncClient, printed: Callable[[], str], path: str
) -> None:
    await async_client.get(path)

    (line,) = printed().splitlines()  # one line for the one request
    assert not CONTROL.search(line)
    assert len(line) < MAX_VALUE_LENGTH * 3  # the message and the path field, each cut
    assert FORGED_LINE not in line.replace("\\x0d\\x0a", "\n").splitlines()
