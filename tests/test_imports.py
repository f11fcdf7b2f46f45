"""Imports flow one way, and importing the app builds no engine.

`python -X importtime` lists what an import pulls in, nested imports included, with its cost.
"""

import sys
from pathlib import Path

import pytest

from tests.rendering import assert_succeeds, render, run


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("imports"), {"auth": "jwt", "database": "postgresql"})


def imported_modules(project: Path, module: str) -> list[str]:
    """Every module that `import module` loads, in a fresh interpreter."""
    result = run([sys.executable, "-X", "importtime", "-c", f"import {module}"], project)
    assert result.returncode == 0, result.stderr
    return [
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    ]


def test_importtime_lists_what_an_import_loads(project: Path) -> None:
    assert "app.users.models" in imported_modules(project, "app.users.router")


def test_the_token_helpers_load_no_database_access(project: Path) -> None:
    database_access = ("app.db.session", "app.db.engine", "asyncpg", "sqlalchemy.ext.asyncio")

    modules = imported_modules(project, "app.auth.tokens")

    assert [name for name in modules if name.startswith(database_access)] == []


def test_users_load_nothing_from_auth(project: Path) -> None:
    for module in ("app.users.router", "app.users.service", "app.users.schemas"):
        modules = imported_modules(project, module)

        assert [name for name in modules if name.startswith(("app.auth", "app.accounts"))] == []


def test_importing_the_app_builds_no_engine(project: Path) -> None:
    check = (
        "import app.main\n"
        "from app.db.session import get_engine, get_sessionmaker\n"
        "print(get_engine.cache_info().currsize, get_sessionmaker.cache_info().currsize)"
    )

    output = assert_succeeds([sys.executable, "-c", check], project)

    assert output.split() == ["0", "0"]
