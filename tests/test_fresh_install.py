"""A rendered project installs from its own declared dependencies alone, and its tests pass.

The rest of the meta suite runs the rendered suites in this repository's environment, which would
hide a dependency that the rendered pyproject.toml forgot: here each install route that the
generated README gives starts from an empty virtual environment.
"""

import sys
from pathlib import Path

import pytest

from tests.pythons import RUNNING
from tests.rendering import (
    CODE_OPTIONS,
    QUICK,
    assert_succeeds,
    choices,
    chosen_options,
    fullest,
    load_hook,
    one_mypy_at_a_time,
    render,
)

pytestmark = pytest.mark.slow


def test_uv_sync_then_pytest_and_pre_commit(tmp_path: Path, mypy_cache: Path) -> None:
    # The Python that .python-version names is the one uv syncs with, so `uv run` keeps the
    # environment, as on a user's machine that has that Python.
    project = render(tmp_path, {"python_version": RUNNING})
    uv = [sys.executable, "-m", "uv"]

    assert_succeeds([*uv, "sync", "--python", sys.executable], project)
    # The printed step, `uv run pytest`: what a user runs first.
    output = assert_succeeds([*uv, "run", "--no-sync", "pytest", "-q"], project, env=QUICK)
    # The repository as the printed steps make it.
    (step,) = [line for line in printed_steps(project) if line.startswith("git init")]
    assert_succeeds(["sh", "-c", step], project, env={"GIT_CONFIG_PARAMETERS": DEFAULT_BRANCH})
    # The hooks' mypy shares the run's cache, as the other mypy runs do: what it learns of the
    # dependencies, they reuse, or the other way round.
    with one_mypy_at_a_time(mypy_cache, RUNNING):
        hooks = assert_succeeds(
            [*uv, "run", "--no-sync", "pre-commit", "run", "--all-files"],
            project,
            env={
                "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
                "MYPY_CACHE_DIR": str(mypy_cache),
            },
        )

    assert (project / "uv.lock").is_file()
    assert " passed" in output.strip().splitlines()[-1]
    assert [line.rsplit(".", 1)[-1] for line in hooks.splitlines()] == ["Passed"] * 4


def test_every_answers_newest_dependencies_still_import_its_processes(tmp_path: Path) -> None:
    # The other renders install what this repository's lock holds; a user's first `uv sync` takes
    # the newest release that each range admits. A new major release that drops what the code
    # uses must fail here, not on a user's machine.
    project = render(tmp_path, {**fullest(CODE_OPTIONS), "python_version": RUNNING})
    uv = [sys.executable, "-m", "uv"]

    assert_succeeds([*uv, "sync", "--no-dev", "--python", sys.executable], project)
    imports = "import app.main, app.server, app.worker, app.scheduler"
    assert_succeeds([*uv, "run", "--no-sync", "python", "-c", imports], project)


DEFAULT_BRANCH = "'init.defaultBranch=main'"


def printed_steps(project: Path) -> list[str]:
    """The commands that the post-generation hook prints after rendering this project."""
    defaults = {option: choices(option)[0] for option in chosen_options()}
    context = {**defaults, "project_slug": project.name}
    text = load_hook("post_gen_project").next_steps(context, project)
    return [line.split("  #")[0].strip() for line in text.splitlines()[2:]]


def test_pip_install_then_pytest(tmp_path: Path) -> None:
    project = render(tmp_path, {})
    venv = project / ".venv"
    python = str(venv / "bin" / "python")

    assert_succeeds([sys.executable, "-m", "venv", str(venv)], project)
    assert_succeeds([python, "-m", "pip", "install", "-q", "-U", "pip"], project)
    assert_succeeds([python, "-m", "pip", "install", "-q", "-e", ".", "--group", "dev"], project)
    output = assert_succeeds([python, "-m", "pytest", "-q"], project, env=QUICK)

    assert " passed" in output.strip().splitlines()[-1]
