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


# The rule for option code (README, "Whole files per answer where they can be"): an answer's own
# file is listed in OPTIONAL_PATHS; a file that differs throughout is a whole-file variant; a few
# lines that an answer adds to a shared file are an {% if %} block of whole lines. This budget
# counts those blocks in the Python files that the template renders: 15 for the database, Alembic
# and auth, and 9 for the observability answers (their settings in app/core/config.py, one import
# line for all three and one call each in app/main.py, and the variables of their own that the
# test settings keep out of a run, where they have any).
JINJA_IF_BUDGET = 24
JINJA_IF = re.compile(r"\{%-?\s*if\b")


def rendered_python_files() -> list[Path]:
    return sorted(
        [
            *(TEMPLATE_DIR / "{{cookiecutter.project_slug}}").rglob("*.py"),
            *(TEMPLATE_DIR / "templates").rglob("*.py"),
        ]
    )


def test_option_code_stays_within_its_jinja_budget() -> None:
    blocks = {
        path.relative_to(TEMPLATE_DIR).as_posix(): len(JINJA_IF.findall(path.read_text()))
        for path in rendered_python_files()
    }

    assert sum(blocks.values()) <= JINJA_IF_BUDGET, {path: n for path, n in blocks.items() if n}


def test_no_jinja_block_sits_in_the_middle_of_a_line() -> None:
    mid_line = [
        f"{path.relative_to(TEMPLATE_DIR)}:{number}"
        for path in rendered_python_files()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "{%" in line and not (line.lstrip().startswith("{%") and line.rstrip().endswith("%}"))
    ]

    assert mid_line == []
