"""Figures that tests record (`record_property("figure", ...)`), printed at the end of the run.

Under xdist the reports carry them from the workers to the process that prints the summary.
"""

from pathlib import Path

import pytest

from tests.rendering import shared_folder

FIGURES: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        FIGURES.extend(str(value) for name, value in report.user_properties if name == "figure")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.write_sep("-", "figures")
        for figure in sorted(FIGURES):
            terminalreporter.write_line(figure)


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for the run's workers: later runs reuse what the first learnt about the
    dependencies (for each target version: mypy keeps a part of its cache per version)."""
    return shared_folder(tmp_path_factory, "mypy-cache")
