import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from asgi_lifespan import LifespanManager
from fastapi.routing import iter_route_contexts
from httpx import ASGITransport, AsyncClient, Response
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool
from starlette.routing import Match
from starlette.types import ASGIApp

from app.core.config import Settings, get_settings
from app.db.engine import how_to_create
from app.db.pool import FairPool
from app.db.session import database_check, get_db, get_engine, unreachable
from app.main import app, create_app, middleware
from tests.api_client import client_for, operations
from tests.commands import BAD_SETTINGS, assert_refused_in_one_line, run_command
from tests.database import MISSING_DATABASE_URL

HOST = "api.example.com"


def production(monkeypatch: pytest.MonkeyPatch, **values: object) -> Settings:
    """Production's settings, with these values, as a deployment without them in .env has them."""
    for variable in ("ALLOWED_HOSTS", "API_DOCS"):
        monkeypatch.delenv(variable, raising=False)
    return Settings(_env_file=None, environment="production", **values)  # type: ignore[arg-type]


async def get(served: ASGIApp, url: str) -> Response:
    """GET a full URL (its host included) from an app, without running its lifespan."""
    async with AsyncClient(transport=ASGITransport(served)) as client:
        return await client.get(url)


async def test_health_is_ok(async_client: AsyncClient) -> None:
    response = await async_client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_unknown_route_is_404(async_client: AsyncClient) -> None:
    response = await async_client.get("/nowhere")

    assert response.status_code == 404


async def test_lifespan_disposes_the_engine_at_shutdown() -> None:
    pool_before = get_engine().sync_engine.pool

    async with LifespanManager(app):
        assert get_engine().sync_engine.pool is pool_before

    # dispose() closes the pool's connections and puts a new, empty pool in its place.
    assert get_engine().sync_engine.pool is not pool_before


@pytest.mark.parametrize(
    ("method", "path"),
    [(method, path) for method, path in operations() if "{" not in path],
)
def test_a_fixed_path_is_one_routes_alone(method: str, path: str) -> None:
    # So that the order in which routers are included never decides (`/users/me` and `/users/{id}`).
    scope = {"type": "http", "method": method, "path": path, "root_path": ""}
    matching = [
        route.path
        for route in iter_route_contexts(app.routes)
        if route.matches(scope)[0] is Match.FULL
    ]

    assert matching == [path]


def test_the_layers_are_the_one_list_outermost_first() -> None:
    # What wraps a request is what middleware() lists, in its order: nothing adds a layer elsewhere.
    settings = get_settings().model_copy(update={"cors_origins": ["https://a.example"]})
    listed = [layer.cls for layer in middleware(settings)]

    assert [layer.cls for layer in create_app(settings).user_middleware] == listed
    assert [getattr(cls, "__name__", None) for cls in listed] == [
        "CorrelationIdMiddleware",
        "Reporting",
        "TrustedHosts",
        "CORSMiddleware",
    ]


def test_production_refuses_to_start_without_allowed_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="allowed_hosts\n  Value error, must name the hosts"):
        production(monkeypatch)


@pytest.mark.parametrize("path", ["/items", "/openapi.json", "/health/"])
async def test_an_unknown_host_is_refused_before_any_redirect(
    monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    served = create_app(production(monkeypatch, allowed_hosts=[HOST], api_docs=True))

    response = await get(served, f"http://evil.example{path}")

    assert response.status_code == 400
    assert "location" not in response.headers


@pytest.mark.parametrize("path", ["/health", "/health/ready"])
async def test_the_probes_answer_a_container_address_as_host(
    monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    served = create_app(production(monkeypatch, allowed_hosts=[HOST]))

    async with LifespanManager(served) as manager:
        response = await get(manager.app, f"http://10.1.2.3:8000{path}")

    assert response.status_code == 200


async def test_a_named_host_is_served(monkeypatch: pytest.MonkeyPatch) -> None:
    served = create_app(production(monkeypatch, allowed_hosts=[HOST]))

    response = await get(served, f"http://{HOST}/health")

    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/docs", "/docs/assets/swagger-ui-bundle.js", "/openapi.json"])
async def test_api_docs_are_off_in_production_unless_asked_for(
    monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    off = create_app(production(monkeypatch, allowed_hosts=[HOST]))
    on = create_app(production(monkeypatch, allowed_hosts=[HOST], api_docs=True))

    statuses = [(await get(served, f"http://{HOST}{path}")).status_code for served in (off, on)]

    assert statuses == [404, 200]


async def test_no_free_database_connection_is_503_with_retry_after(
    started_app: ASGIApp, engine: AsyncEngine
) -> None:
    # A pool of one connection, held below: the request waits out the pool timeout.
    busy = create_async_engine(
        engine.url, poolclass=FairPool, pool_size=1, max_overflow=0, pool_timeout=0.05
    )

    async def busy_session() -> AsyncIterator[AsyncSession]:
        async with AsyncSession(busy) as session:
            yield session

    try:
        async with busy.connect():
            response = await list_items_with(started_app, busy_session)
    finally:
        await busy.dispose()

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"


async def test_a_connection_lost_during_a_request_is_503_with_retry_after(
    started_app: ASGIApp, engine: AsyncEngine
) -> None:
    lost = create_async_engine(engine.url, poolclass=NullPool)

    async def session_whose_connection_is_lost() -> AsyncIterator[AsyncSession]:
        async with AsyncSession(lost) as session:
            connection = await (await session.connection()).get_raw_connection()
            assert connection.driver_connection is not None
            await connection.driver_connection.close()
            yield session

    try:
        response = await list_items_with(started_app, session_whose_connection_is_lost)
    finally:
        await lost.dispose()

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"


async def list_items_with(
    started_app: ASGIApp, sessions: Callable[[], AsyncIterator[AsyncSession]]
) -> Response:
    """`GET /items/` from the started app, its session made by `sessions` instead of get_db."""
    app.dependency_overrides[get_db] = sessions
    try:
        transport = ASGITransport(started_app)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get("/items/")
    finally:
        app.dependency_overrides.pop(get_db, None)


@pytest.mark.live
@pytest.mark.parametrize(
    "command", [["-m", "uvicorn", "app.main:app"], ["-m", "app.server"]], ids=["uvicorn", "server"]
)
def test_a_bad_setting_stops_the_start_with_one_line_that_shows_no_value(
    command: list[str], tmp_path: Path
) -> None:
    assert_refused_in_one_line(run_command(command, tmp_path, BAD_SETTINGS))


async def test_ready_when_the_database_answers(async_client: AsyncClient) -> None:
    response = await async_client.get("/health/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


@pytest.fixture
async def missing_database() -> AsyncIterator[AsyncSession]:
    """A session on a database that cannot be reached."""
    missing = create_async_engine(MISSING_DATABASE_URL)
    try:
        async with AsyncSession(missing) as session:
            yield session
    finally:
        await missing.dispose()


async def test_not_ready_when_the_database_is_unreachable(
    started_app: ASGIApp, missing_database: AsyncSession
) -> None:
    async with client_for(started_app, missing_database) as client:
        response = await client.get("/health/ready")
        alive = await client.get("/health")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["database"].startswith("unreachable")
    assert alive.status_code == 200


async def test_a_request_that_cannot_reach_the_database_is_503_and_one_log_line(
    started_app: ASGIApp,
    missing_database: AsyncSession,
    log_lines: Callable[[], list[dict[str, object]]],
) -> None:
    async with client_for(started_app, missing_database) as client:
        response = await client.get("/items/")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    (warning,) = [line for line in log_lines() if line["level"] == "WARNING"]
    assert str(warning["message"]).startswith("Cannot reach the database at ")
    assert "exc_info" not in warning


async def test_not_ready_when_the_database_answers_too_slowly(
    async_client: AsyncClient, db_session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def slow_execute(*args: object, **kwargs: object) -> None:
        await asyncio.sleep(1)

    monkeypatch.setattr(get_settings(), "readiness_timeout_seconds", 0.05)
    monkeypatch.setattr(db_session, "execute", slow_execute)

    response = await async_client.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "no answer within 0.05 s"}


async def test_an_unreachable_database_is_one_line_naming_it_and_how_to_create_it(
    missing_database: AsyncSession,
) -> None:
    error = await database_check(missing_database, seconds=5)
    async with AsyncSession(get_engine()) as session:
        no_error = await database_check(session, seconds=5)

    assert error is not None
    problem = unreachable(MISSING_DATABASE_URL, error)
    assert problem.startswith("Cannot reach the database at ")
    assert str(make_url(MISSING_DATABASE_URL).database) in problem
    assert problem.endswith(how_to_create(MISSING_DATABASE_URL))
    assert len(problem.splitlines()) == 1
    assert no_error is None
{%- if cookiecutter.database == "postgresql" %}


async def test_a_refused_password_is_said_so_not_that_the_database_is_missing() -> None:
    url = make_url(MISSING_DATABASE_URL).set(password="not-the-password")
    wrong = url.render_as_string(hide_password=False)
    engine = create_async_engine(wrong, poolclass=NullPool)
    try:
        async with AsyncSession(engine) as session:
            error = await database_check(session, seconds=5)
    finally:
        await engine.dispose()
    if error is None:
        pytest.skip("the server takes any password (trust): a refusal cannot be tried on it")

    problem = unreachable(wrong, error)

    assert f"The server refused the user {url.username} or its password" in problem
    assert "createdb" not in problem
    assert "not-the-password" not in problem
{%- endif %}
