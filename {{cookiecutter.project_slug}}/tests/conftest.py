"""Fixtures: a session per test that is always rolled back, whatever the code commits.

The rest comes from plugins, whose fixtures and hooks serve every test: how far the run goes
(tests/profile.py), the test database (tests/database.py), the pinned settings (tests/settings.py),
{{ "the tests' identity provider (tests/identity_provider.py)" if cookiecutter.auth == "oidc" else "the users' passwords (tests/passwords.py)" }},
the started app and its clients (tests/api_client.py, tests/clients.py) and the live server
(tests/live_server.py).
"""

import gc
import io
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from app.core.config import get_settings
from app.core.logging import configure_logging

# In this order: the test database, the settings pinned to it, how users sign in, then what imports
# the app.
pytest_plugins = [
    "tests.profile",
    "tests.database",
    "tests.settings",
{%- if cookiecutter.auth == "oidc" %}
    "tests.identity_provider",
{%- else %}
    "tests.passwords",
{%- endif %}
    "tests.api_client",
    "tests.clients",
    "tests.live_server",
{%- if cookiecutter.background_jobs == "taskiq" %}
    "tests.jobs.plugin",
{%- endif %}
{%- if cookiecutter.auth == "jwt" %}
    "tests.mailbox",
{%- endif %}
]


def pytest_collection_finish() -> None:
    """Keep what collection loaded (the app, its libraries, the tests) out of the garbage
    collector's full sweeps, which would otherwise walk all of it again and again during the run:
    with a few hundred tests, that is a tenth of the run's time."""
    gc.freeze()


@pytest.fixture(scope="session")
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One connection for the whole run: the tests take turns on it, one transaction each."""
    async with engine.connect() as connection:
        yield connection


@pytest.fixture
async def db_session(connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    """A session in a transaction that is rolled back after the test, whatever the code commits.

    Each commit in the code under test only releases a SAVEPOINT inside that transaction.
    """
    transaction = await connection.begin()
    session = AsyncSession(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        # Outer transaction first: it takes every SAVEPOINT with it in one statement.
        await transaction.rollback()
        await session.close()


@pytest.fixture
def log_lines() -> Iterator[Callable[[], list[dict[str, object]]]]:
    """The lines the app's own logging writes during the test, in JSON at DEBUG level, as dicts."""
    configure_logging(
        get_settings().model_copy(update={"log_format": "json", "log_level": "DEBUG"})
    )
    (handler,) = logging.getLogger().handlers
    output = io.StringIO()
    handler.setStream(output)  # type: ignore[attr-defined]
    try:
        yield lambda: [json.loads(line) for line in output.getvalue().splitlines()]
    finally:
        configure_logging(get_settings())
