"""The template's own code (hooks, meta suite, benchmark) holds to the rules it sets its renders."""

from tests.rendering import TEMPLATE_DIR, assert_succeeds, tool


def test_template_code_passes_ruff() -> None:
    assert_succeeds([*tool("ruff"), "check", "--no-cache", "."], TEMPLATE_DIR)
    assert_succeeds([*tool("ruff"), "format", "--check", "--no-cache", "."], TEMPLATE_DIR)


def test_template_code_passes_mypy_strict() -> None:
    output = assert_succeeds([*tool("mypy"), "--no-incremental"], TEMPLATE_DIR)

    assert output.startswith("Success: no issues found")
