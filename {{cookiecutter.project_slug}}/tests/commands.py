"""The project's commands, run as a deployment runs them: from an empty folder, so that no `.env`
is read, with the tests' settings from the environment and the given ones over them."""

import asyncio
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def deployment_environment(settings: Mapping[str, str | None]) -> dict[str, str]:
    """The tests' settings from the environment, with these over them (None: left unset), and the
    project importable from any folder."""
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    for name, value in settings.items():
        environment.pop(name, None)
        if value is not None:
            environment[name] = value
    return environment


def run_command(
    arguments: list[str], folder: Path, settings: Mapping[str, str | None]
) -> subprocess.CompletedProcess[str]:
    """`python <arguments>` in the folder, with deployment_environment(settings)."""
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=folder,
        env=deployment_environment(settings),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def start_command(
    arguments: list[str],
    folder: Path,
    settings: Mapping[str, str | None],
    stdin: int | None = None,
) -> asyncio.subprocess.Process:
    """`python <arguments>` started in the folder, with deployment_environment(settings), its
    output (stdout and stderr together) to read, and its input as `stdin` says (e.g. a pipe)."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *arguments,
        cwd=folder,
        env=deployment_environment(settings),
        stdin=stdin,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


# Settings that a deployment might get wrong, one of them with a secret in it.
A_SECRET = "a-password-not-to-be-shown"
BAD_SETTINGS: dict[str, str | None] = {
    "ENVIRONMENT": "production",
    "DATABASE_URL": f"mysql://user:{A_SECRET}@db.example.com/app",
    "SECRET_KEY": A_SECRET,
    "ALLOWED_HOSTS": None,
}


def assert_refused_in_one_line(result: subprocess.CompletedProcess[str]) -> None:
    """The command stopped with one line naming each bad setting, and showing no value."""
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 1, output
    assert output.startswith("Refusing to start: "), output
    assert "DATABASE_URL: must be a SQLAlchemy URL" in output
    assert "ALLOWED_HOSTS: must name the hosts" in output
    assert len(output.splitlines()) == 1, output
    assert A_SECRET not in output
