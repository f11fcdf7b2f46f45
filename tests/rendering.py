"""Rendering the template, and the answers the meta suite renders it with."""

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from cookiecutter.main import cookiecutter  # type: ignore[import-untyped]

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
CONTEXT = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())
DEFAULT_SLUG = "my_service"

# Options whose answers change the Python code or the tools' configuration. The others only add or
# remove files, which tests/test_render.py checks for every combination; test_options_outside_these_
# leave_the_code_alone proves the split, so running the code checks once per combination of these
# options covers every combination of all options.
CODE_OPTIONS = ("python_version", "database", "use_alembic")
# Of those, the ones that change what the generated tests do (python_version sets tool targets).
SUITE_OPTIONS = ("database", "use_alembic")

Answers = Mapping[str, object]


def choices(option: str) -> list[object]:
    """Every answer an option takes: the list for a choice, both values for a yes/no question."""
    default = CONTEXT[option]
    if isinstance(default, list):
        return list(default)
    if isinstance(default, bool):
        return [default, not default]
    raise ValueError(f"{option} is free text, not a choice")


def chosen_options() -> list[str]:
    return [
        key
        for key, value in CONTEXT.items()
        if not key.startswith("_") and isinstance(value, list | bool)
    ]


def combinations(options: Iterator[str] | tuple[str, ...] | list[str]) -> list[dict[str, object]]:
    """Every combination of answers to the given options (the others keep their defaults)."""
    options = list(options)
    return [
        dict(zip(options, values, strict=True))
        for values in itertools.product(*(choices(option) for option in options))
    ]


def combination_id(answers: Answers) -> str:
    return "-".join(f"{key}={value}" for key, value in answers.items()) or "defaults"


def render(output_dir: Path, answers: Answers) -> Path:
    """Render the template without prompting, ignoring any user config; return the project."""
    output_dir.mkdir(parents=True, exist_ok=True)
    config = output_dir / "cookiecutter-config.yaml"
    config.write_text(
        f"cookiecutters_dir: {output_dir / 'cookiecutters'}\nreplay_dir: {output_dir / 'replay'}\n"
    )
    project = cookiecutter(
        str(TEMPLATE_DIR),
        no_input=True,
        extra_context=dict(answers),
        output_dir=str(output_dir),
        config_file=str(config),
    )
    return Path(project)


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment less what belongs to this test run, plus extra."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "COV_CORE_"))
        and key not in {"DATABASE_URL", "VIRTUAL_ENV"}
    }
    return {**inherited, **(extra or {})}


def run(
    command: list[str], cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run a command for a rendered project, outside this test run's own pytest and settings."""
    return subprocess.run(
        command,
        cwd=cwd,
        env=environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_succeeds(
    command: list[str], project: Path, env: Mapping[str, str] | None = None, timeout: float = 900
) -> str:
    """Run a command in a rendered project and return its output; fail unless it exits 0."""
    result = run(command, project, env=env, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def tool(name: str) -> list[str]:
    """A command-line tool from this environment."""
    return [sys.executable, "-m", name]
