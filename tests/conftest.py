"""The order of the run, and the figures that tests record (`record_property("figure", ...)`),
printed at its end.

Under xdist the reports carry the figures from the workers to the process that prints the summary.
"""

import os

import pytest

# Seconds that the longest tests take on this repository's 2-core machine (`--durations`), by the
# start of their names; any other test counts as SLOW_SECONDS if marked slow, else as nothing.
LONG_TESTS = {
    "test_generated_test_suite_passes[quick+thorough": 60.0,
    "test_generated_test_suite_passes[thorough": 47.0,
    "test_uv_sync_then_pytest_and_pre_commit": 37.0,
    "test_pip_install_then_pytest": 36.0,
    "test_the_quick_run_leaves_out_the_live_tests": 30.0,
    "test_benchmark_reports": 28.0,
    "test_a_project_from_a_release_takes_the_update": 19.0,
    "test_generated_test_suite_passes[quick": 15.0,
    "test_a_redis_outage_is_answered_quickly": 17.0,
    "test_code_passes_mypy_strict": 10.0,
    "test_the_add_a_resource_recipe": 11.0,
}
SLOW_SECONDS = 3.0

FIGURES: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        FIGURES.extend(str(value) for name, value in report.user_properties if name == "figure")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.write_sep("-", "figures")
        for figure in sorted(FIGURES):
            terminalreporter.write_line(figure)


def expected_seconds(item: pytest.Item) -> float:
    for start, seconds in LONG_TESTS.items():
        if item.name.startswith(start):
            return seconds
    return SLOW_SECONDS if item.get_closest_marker("slow") else 0.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under xdist, deal the tests out longest first, one to each worker's share in turn.

    `--dist worksteal` hands each worker a contiguous share of the list and lets an idle one take
    the end of another's queue. Dealt this way, each share starts with its long tests and ends with
    short ones, so that no long test starts last, alone, while the other workers wait.
    """
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers < 2:
        return
    ordered = sorted(items, key=expected_seconds, reverse=True)
    items[:] = [item for share in range(workers) for item in ordered[share::workers]]
