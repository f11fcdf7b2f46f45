"""The rendered code is lint-clean, type-clean, and its own test suite passes.

The checks run once per combination of the options that change the code (tests/rendering.py says
which, and tests/test_render.py proves that the others leave the code alone).
"""

from pathlib import Path

import pytest

from tests.rendering import (
    CODE_OPTIONS,
    SUITE_OPTIONS,
    Answers,
    assert_succeeds,
    combination_id,
    combinations,
    render,
    tool,
)


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache per worker: later runs reuse what the first learnt about the dependencies."""
    return tmp_path_factory.getbasetemp() / "mypy-cache"


@pytest.mark.parametrize("answers", combinations(CODE_OPTIONS), ids=combination_id)
def test_code_passes_ruff_and_mypy_strict(
    answers: Answers, tmp_path: Path, mypy_cache: Path
) -> None:
    project = render(tmp_path, answers)

    assert_succeeds([*tool("ruff"), "check", "--no-cache", "."], project)
    assert_succeeds([*tool("ruff"), "format", "--check", "--no-cache", "."], project)
    output = assert_succeeds(
        [*tool("mypy"), "--strict", "--cache-dir", str(mypy_cache), "app", "tests"], project
    )
    assert output.startswith("Success: no issues found")


@pytest.mark.parametrize("answers", combinations(SUITE_OPTIONS), ids=combination_id)
@pytest.mark.parametrize("workers", ["serial", "xdist"])
def test_generated_test_suite_passes(answers: Answers, workers: str, tmp_path: Path) -> None:
    project = render(tmp_path, answers)
    parallel = ["-n", "2"] if workers == "xdist" else []

    output = assert_succeeds([*tool("pytest"), "-q", "-p", "no:cacheprovider", *parallel], project)

    summary = output.strip().splitlines()[-1]
    assert " passed" in summary
    for outcome in ("failed", "skipped", "error"):
        assert outcome not in summary
