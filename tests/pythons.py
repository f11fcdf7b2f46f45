"""The interpreters that the rendered suites run on: for each `python_version` answer, this
machine's Python of that version (the running one, or pyenv's), in an environment made from this
repository's lock. A version the machine lacks is skipped, saying so."""

import fcntl
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from tests.rendering import TEMPLATE_DIR

RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


@cache
def interpreter(version: str) -> str | None:
    """This machine's Python of that version, or None."""
    if version == RUNNING:
        return sys.executable
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return None
    found = subprocess.run([pyenv, "prefix", version], capture_output=True, text=True, check=False)
    if found.returncode != 0:
        return None
    return str(Path(found.stdout.strip()) / "bin" / "python")


def python_with_dependencies(version: str, environments: Path) -> str:
    """A Python of that version with this repository's dev dependencies (which hold every
    render's), made once per run and shared by the xdist workers; skip where there is none."""
    base = interpreter(version)
    if base is None:
        pytest.skip(f"no Python {version} on this machine (`pyenv versions`): its suite is not run")
    if base == sys.executable:
        return base
    environment = environments / f"python{version}"
    with (environments / f"python{version}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (environment / "ready").exists():
            subprocess.run(
                [sys.executable, "-m", "uv", "sync", "--frozen", "--quiet", "--python", base],
                cwd=TEMPLATE_DIR,
                env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(environment)},
                check=True,
                capture_output=True,
            )
            (environment / "ready").touch()
    return str(environment / "bin" / "python")
