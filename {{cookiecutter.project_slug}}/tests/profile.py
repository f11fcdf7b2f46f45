"""How far a run goes: quick by default, thorough under CI.

A plugin (see conftest.py). `uv run pytest` is the quick run to make after every change: each
property is tried on a few examples, and the `live` tests, which start server processes, are left
out; the summary says so. With `CI=true`, which GitHub Actions and GitLab CI set, the run is
thorough: every test, each property tried on many examples, and a test whose server is missing
fails instead of skipping. `CI=true uv run pytest` runs it anywhere; `-m` picks tests as it says.
"""

import os
from typing import NoReturn

import pytest
from hypothesis import HealthCheck, settings

THOROUGH = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PROFILE = "thorough" if THOROUGH else "quick"

# Time is no verdict here: the first draw of text in a fresh checkout builds Hypothesis' Unicode
# tables (in the thorough run, over a second), and a shared CI runner may pause any example. A slow
# draw or example still counts; only a wrong answer fails a test.
UNTIMED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("quick", UNTIMED, max_examples=10)
settings.register_profile("thorough", UNTIMED, max_examples=100)
settings.load_profile(PROFILE)


def leaves_out_live_tests(config: pytest.Config) -> bool:
    return not THOROUGH and not config.option.markexpr


def pytest_report_header() -> str:
    return f"profile: {PROFILE} (tests/profile.py)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if leaves_out_live_tests(config):
        live = [item for item in items if item.get_closest_marker("live")]
        config.hook.pytest_deselected(items=live)
        items[:] = [item for item in items if not item.get_closest_marker("live")]


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    if not THOROUGH:
        live = "the `live` tests and " if leaves_out_live_tests(config) else ""
        terminalreporter.write_line(
            f"quick profile: left out {live}all but a few examples per property "
            "(`CI=true uv run pytest` runs everything)"
        )


def server_missing(reason: str) -> NoReturn:
    """Skip a test whose server does not answer, saying why; a thorough run fails it instead."""
    if THOROUGH:
        pytest.fail(f"{reason} (CI runs every test)")
    pytest.skip(reason)
