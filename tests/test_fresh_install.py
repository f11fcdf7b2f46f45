"""A rendered project installs from its own declared dependencies alone, and its tests pass.

The rest of the meta suite runs the rendered suites in this repository's environment, which would
hide a dependency that the rendered pyproject.toml forgot: here each install route that the
generated README gives starts from an empty virtual environment.
"""

import sys
from pathlib import Path

import pytest

from tests.pythons import RUNNING
from tests.rendering import QUICK, assert_succeeds, render

pytestmark = pytest.mark.slow


def test_uv_sync_then_pytest_and_pre_commit(tmp_path: Path) -> None:
    # The Python that .python-version names is the one uv syncs with, so `uv run` keeps the
    # environment, as on a user's machine that has that Python.
    project = render(tmp_path, {"python_version": RUNNING})
    uv = [sys.executable, "-m", "uv"]
    git = ["git", "-c", "init.defaultBranch=main"]

    assert_succeeds([*uv, "sync", "--python", sys.executable], project)
    output = assert_succeeds(
        [*uv, "run", "--no-sync", "pytest", "-q", "-n", "2"], project, env=QUICK
    )
    assert_succeeds([*git, "init", "-q"], project)
    assert_succeeds([*git, "add", "--all"], project)  # pre-commit checks the files git knows
    hooks = assert_succeeds(
        [*uv, "run", "--no-sync", "pre-commit", "run", "--all-files"],
        project,
        env={"PRE_COMMIT_HOME": str(tmp_path / "pre-commit")},
    )

    assert (project / "uv.lock").is_file()
    assert " passed" in output.strip().splitlines()[-1]
    assert [line.rsplit(".", 1)[-1] for line in hooks.splitlines()] == ["Passed"] * 4


def test_pip_install_then_pytest(tmp_path: Path) -> None:
    project = render(tmp_path, {})
    venv = project / ".venv"
    python = str(venv / "bin" / "python")

    assert_succeeds([sys.executable, "-m", "venv", str(venv)], project)
    assert_succeeds([python, "-m", "pip", "install", "-q", "-U", "pip"], project)
    assert_succeeds([python, "-m", "pip", "install", "-q", "-e", ".", "--group", "dev"], project)
    output = assert_succeeds([python, "-m", "pytest", "-q"], project, env=QUICK)

    assert " passed" in output.strip().splitlines()[-1]
