"""Rendering the template, and the answers the meta suite renders it with."""

import fcntl
import functools
import importlib.util
import itertools
import json
import os
import subprocess
import sys
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import NoReturn

import pytest
from cookiecutter import generate  # type: ignore[import-untyped]
from cookiecutter.environment import StrictEnvironment  # type: ignore[import-untyped]
from cookiecutter.main import cookiecutter  # type: ignore[import-untyped]
from jinja2 import Environment

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
CONTEXT = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())


def load_hook(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, TEMPLATE_DIR / "hooks" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Answers that the template refuses together (hooks/pre_gen_project.py): no row renders them.
combination_problem = load_hook("pre_gen_project").combination_problem
DEFAULT_SLUG = "my_service"

# The options whose answers change the Python code (and the dependencies). The others only add or
# remove other files, or, for TOOL_OPTIONS, change the linters' settings: tests/test_render.py
# proves this split. So the code checks in tests/test_generated.py need only combinations of these
# two groups, while the file checks in tests/test_render.py cover every pair of all answers.
CODE_OPTIONS = (
    "database",
    "use_alembic",
    "auth",
    "background_jobs",
    "use_metrics",
    "use_tracing",
    "use_sentry",
)
TOOL_OPTIONS = ("python_version",)
# The code options whose answers meet in the same modules (the models, the services, the schema):
# the code checks hold every triple of their answers. Each observability answer keeps to files of
# its own and one line in app/main.py, so every pair with any other answer is enough for those.
INTERACTING_CODE_OPTIONS = ("database", "use_alembic", "auth", "background_jobs")
# Yes/no options that are also checked one at a time: each yes with the others no.
OBSERVABILITY_OPTIONS = ("use_metrics", "use_tracing", "use_sentry")

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


def combinations(options: Sequence[str]) -> list[dict[str, object]]:
    """Every combination of answers to the given options (the others keep their defaults)."""
    return [
        dict(zip(options, values, strict=True))
        for values in itertools.product(*(choices(option) for option in options))
    ]


# Options whose answers meet inside the same files (compose.yaml, the Dockerfile, the CI files,
# the settings): the file checks render every combination of them.
INTERACTING_OPTIONS = ("database", "use_alembic", "auth", "background_jobs", "use_docker", "ci")


@functools.cache
def file_check_combinations() -> tuple[dict[str, object], ...]:
    """Every combination of INTERACTING_OPTIONS, each given answers to the other options such that
    every pair of answers to any two options that go together is rendered at least once (greedy
    all-pairs). Made once a process: two test modules use it."""
    others = [option for option in chosen_options() if option not in INTERACTING_OPTIONS]
    covered: set[frozenset[tuple[str, object]]] = set()
    rows = []
    for row in combinations(INTERACTING_OPTIONS):
        extension = max(
            (extra for extra in combinations(others) if not combination_problem({**row, **extra})),
            key=lambda extra: len(answer_pairs({**row, **extra}) - covered),
        )
        rows.append({**row, **extension})
        covered |= answer_pairs(rows[-1])
    return tuple(rows)


def answer_pairs(answers: Answers) -> set[frozenset[tuple[str, object]]]:
    """Every pair of (option, answer) in a combination."""
    return answer_tuples(answers, answers, 2)


def answer_tuples(
    answers: Answers, options: Collection[str], size: int
) -> set[frozenset[tuple[str, object]]]:
    """Every tuple of `size` (option, answer) in a combination, of the given options."""
    chosen = [(option, answer) for option, answer in answers.items() if option in options]
    return {frozenset(group) for group in itertools.combinations(chosen, size)}


# The fullest answer to a choice question, where it is not its default; a yes/no question's fullest
# answer is yes, and its emptiest no; a choice's emptiest is "none" where it offers one.
FULLEST_ANSWERS = {
    "database": "postgresql",
    "auth": "jwt",
    "background_jobs": "taskiq",
    "deploy": "kubernetes",
}


def emptiest(options: Sequence[str]) -> dict[str, object]:
    """The answers that render the least."""
    return {option: _emptiest_answer(option) for option in options}


def _emptiest_answer(option: str) -> object:
    if isinstance(CONTEXT[option], bool):
        return False
    return "none" if "none" in CONTEXT[option] else CONTEXT[option][0]


def fullest(options: Sequence[str]) -> dict[str, object]:
    """The answers that render the most."""
    return {
        option: True
        if isinstance(CONTEXT[option], bool)
        else FULLEST_ANSWERS.get(option, CONTEXT[option][0])
        for option in options
    }


def covering_array(
    options: Sequence[str],
    strong: Sequence[str],
    only: Mapping[str, Sequence[object]] | None = None,
    alone: Sequence[str] = (),
) -> list[dict[str, object]]:
    """Rows of answers to the options that hold every pair of answers to any two of them, every
    triple of answers to any three of the strong ones, and each yes/no option of `alone` answered
    yes while the others of `alone` are no: the emptiest row, the fullest row, then greedily the
    row that adds the most of these not yet held. `only` narrows the answers of some options (e.g.
    to the Pythons this machine has)."""
    answers = {option: list((only or {}).get(option, choices(option))) for option in options}
    solo = {frozenset((other, other == option) for other in alone) for option in alone}

    def held(row: Answers) -> set[frozenset[tuple[str, object]]]:
        group = frozenset((option, row[option]) for option in alone if option in row)
        return answer_tuples(row, options, 2) | answer_tuples(row, strong, 3) | ({group} & solo)

    def within(row: dict[str, object]) -> dict[str, object]:
        return {o: a if a in answers[o] else answers[o][0] for o, a in row.items()}

    every_row = (
        dict(zip(options, row, strict=True)) for row in itertools.product(*answers.values())
    )
    wanted = set().union(*(held(row) for row in every_row))
    rows = [within(emptiest(options)), within(fullest(options))]
    missing = wanted - set().union(*(held(row) for row in rows))
    while missing:
        best: dict[str, object] = {}
        for start in sorted(missing, key=sorted):
            row = dict(start)
            for option in options:
                if option not in row:
                    row[option] = max(
                        answers[option],
                        key=lambda answer: len(held({**row, option: answer}) & missing),
                    )
            if len(held(row) & missing) > len(held(best) & missing):
                best = row
        rows.append({option: best[option] for option in options})
        missing -= held(best)
    return rows


def combination_id(answers: Answers) -> str:
    return "-".join(f"{key}={value}" for key, value in answers.items()) or "defaults"


class CompiledTemplates:
    """What Jinja compiled of each text that the renders compile (the template's files, its file
    and folder names, its hooks), kept for the process: cookiecutter makes a new environment for
    every render, which compiled the same texts again, more than half of a render's time. The
    text is part of the key, so a changed file is compiled again."""

    def __init__(self) -> None:
        self.code: dict[tuple[object, ...], object] = {}

    def around(self, compile_: Callable[..., object]) -> Callable[..., object]:
        def compile(
            environment: Environment,
            source: object,
            name: str | None = None,
            filename: str | None = None,
            raw: bool = False,
            defer_init: bool = False,
        ) -> object:
            if not isinstance(source, str):  # a parsed tree, which Jinja compiles as given
                return compile_(environment, source, name, filename, raw, defer_init)
            extensions = tuple(sorted(environment.extensions))
            key = (source, name, filename, raw, defer_init, extensions)
            if key not in self.code:
                self.code[key] = compile_(environment, source, name, filename, raw, defer_init)
            return self.code[key]

        return compile


def weighed_once(is_binary: Callable[[str], bool]) -> Callable[[str], bool]:
    """Cookiecutter's test of whether to copy a file as it is, which reads and weighs its first
    bytes, made once for each version of each file."""

    @functools.cache
    def weigh(path: str, _modified: int, _size: int) -> bool:
        return is_binary(path)

    def weighed(path: str) -> bool:
        status = os.stat(path)  # cookiecutter names it from inside the template: made absolute
        return weigh(os.path.abspath(path), status.st_mtime_ns, status.st_size)

    return weighed


# Cookiecutter makes a Jinja environment for each render and has no setting for a cache.
StrictEnvironment.compile = CompiledTemplates().around(StrictEnvironment.compile)
generate.is_binary = weighed_once(generate.is_binary)


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


# How far a rendered suite goes (tests/profile.py in a render): the quick run that a user makes
# after every change, or the thorough one that the project's CI makes.
QUICK = {"CI": "false"}
THOROUGH = {"CI": "true"}


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment less what belongs to this test run, plus extra.

    Python writes bytecode, as on a user's machine (this machine's environment turns it off, which
    makes every import compile its module again).
    """
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "COV_CORE_"))
        and key not in {"DATABASE_URL", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE"}
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


def server_unavailable(problem: str, tests: str) -> NoReturn:
    """Skip a test that needs what is not here (a server that does not answer, a tool), saying
    why; under CI, fail it."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{problem}: CI must run {tests}")
    pytest.skip(f"{problem}: {tests} need it (.ci/run sees to it)")


def shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder of this run's that every xdist worker of the run sees."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def one_mypy_at_a_time(cache: Path, python_version: str) -> Iterator[None]:
    """The run's shared mypy cache (the `mypy_cache` fixture) held for one mypy per target version:
    the first fills its part of the cache, which is not made to be written by two at once; the
    others then check only their project."""
    with (cache / f"python{python_version}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def mypy_strict(project: Path, python_version: str, cache: Path) -> str:
    """`mypy` in the project, as its CI runs it (its settings name the files and make it strict),
    with the run's shared cache."""
    with one_mypy_at_a_time(cache, python_version):
        return assert_succeeds([*tool("mypy"), "--cache-dir", str(cache)], project)
