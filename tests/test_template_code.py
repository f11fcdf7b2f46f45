"""The template's own code (hooks, meta suite, benchmark) holds to the rules it sets its renders,
and the template's Python files keep their option code within the rule for it."""

import re
from pathlib import Path

from tests.rendering import TEMPLATE_DIR, assert_succeeds, tool


def test_template_code_passes_ruff() -> None:
    assert_succeeds([*tool("ruff"), "check", "--no-cache", "."], TEMPLATE_DIR)
    assert_succeeds([*tool("ruff"), "format", "--check", "--no-cache", "."], TEMPLATE_DIR)


def test_template_code_passes_mypy_strict() -> None:
    output = assert_succeeds([*tool("mypy"), "--no-incremental"], TEMPLATE_DIR)

    assert output.startswith("Success: no issues found")


# The rule for option code (CONTRIBUTING.md, "Adding an option"): an answer's own file is listed in
# OPTIONAL_PATHS; a file that differs throughout is a whole-file variant (templates/); a few lines
# that an answer adds to a shared file are an {% if %} block of whole lines, at most
# JINJA_IF_CEILING to a file. A file past it becomes variants, unless it is one of the few whose
# work is to put the answers together, which have a ceiling of their own.
JINJA_IF_CEILING = 2
JINJA_IF_CEILINGS = {
    # The imports, the lifespan's parts, the layers, the routes and the instrumentation of every
    # answer that has any; jwt's imports are two blocks, as its parts sort on either side of
    # app.api (accounts and admin before, auth after); the rate limits of the answers with
    # passwords (their import and their start); oidc's sign-in on the docs page.
    "app/main.py": 18,
    # A section of settings per answer, the rate limits' of the answers with passwords, the imports
    # of two, and jwt's types from pydantic.
    "app/core/config.py": 10,
    # The one list of models: an import and a line of `__all__` for each answer with tables.
    "app/models.py": 4,
    # The tests' plugins of each answer that has any: how users sign in (before the app, whose
    # settings name the tests' identity provider), the jobs' and the mails'.
    "tests/conftest.py": 3,
    # The worker's start-up: the instrumentation of every answer that has any, as in app/main.py.
    "app/worker.py": 4,
}
JINJA_IF = re.compile(r"\{%-?\s*if\b")


def rendered_python_files() -> list[Path]:
    return sorted(
        [
            *(TEMPLATE_DIR / "{{cookiecutter.project_slug}}").rglob("*.py"),
            *(TEMPLATE_DIR / "templates").rglob("*.py"),
        ]
    )


def test_option_code_stays_within_each_files_jinja_ceiling() -> None:
    project = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"
    blocks = {
        path.relative_to(project if path.is_relative_to(project) else TEMPLATE_DIR).as_posix(): len(
            JINJA_IF.findall(path.read_text())
        )
        for path in rendered_python_files()
    }
    over = {
        path: n for path, n in blocks.items() if n > JINJA_IF_CEILINGS.get(path, JINJA_IF_CEILING)
    }

    assert over == {}
    assert set(JINJA_IF_CEILINGS) <= set(blocks)  # no ceiling for a file that has gone


def test_no_jinja_block_sits_in_the_middle_of_a_line() -> None:
    mid_line = [
        f"{path.relative_to(TEMPLATE_DIR)}:{number}"
        for path in rendered_python_files()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "{%" in line and not (line.lstrip().startswith("{%") and line.rstrip().endswith("%}"))
    ]

    assert mid_line == []
