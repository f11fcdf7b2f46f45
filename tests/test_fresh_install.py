"""A rendered project installs from its own declared dependencies alone, and its tests pass.

The rest of the meta suite runs the rendered suites in this repository's environment, which would
hide a dependency that the rendered pyproject.toml forgot: here each install route that the
generated README gives starts from an empty virtual environment.
"""

import sys
from pathlib import Path

import pytest

from tests.rendering import QUICK, assert_succeeds, render

pytestmark = pytest.mark.slow


def test_uv_sync_then_pytest(tmp_path: Path) -> None:
    project = render(tmp_path, {})
    uv = [sys.executable, "-m", "uv"]

    assert_succeeds([*uv, "sync", "--python", sys.executable], project)
    output = assert_succeeds(
        [*uv, "run", "--no-sync", "pytest", "-q", "-n", "2"], project, env=QUICK
    )

    assert (project / "uv.lock").is_file()
    assert " passed" in output.strip().splitlines()[-1]


def test_pip_install_then_pytest(tmp_path: Path) -> None:
    project = render(tmp_path, {})
    venv = project / ".venv"
    python = str(venv / "bin" / "python")

    assert_succeeds([sys.executable, "-m", "venv", str(venv)], project)
    assert_succeeds([python, "-m", "pip", "install", "-q", "-U", "pip"], project)
    assert_succeeds([python, "-m", "pip", "install", "-q", "-e", ".", "--group", "dev"], project)
    output = assert_succeeds([python, "-m", "pytest", "-q"], project, env=QUICK)

    assert " passed" in output.strip().splitlines()[-1]
