"""The isolation benchmark runs, says which set-ups isolate, and reports the whole-run figure.

A short run (20 tests, one round, beside the other tests of this run): its figure is printed at
the end of the run; BENCHMARKS.md's figures come from `bench/bench.py` run on its own.
"""

import re
import sys
from collections.abc import Callable

import pytest

from tests.rendering import TEMPLATE_DIR, assert_succeeds

pytestmark = pytest.mark.slow


def test_benchmark_reports_whole_run_and_median_cost_per_test(
    record_property: Callable[[str, object], None],
) -> None:
    output = assert_succeeds(
        [
            sys.executable,
            "bench/bench.py",
            "--database",
            "sqlite",
            "--rounds",
            "1",
            "--tests",
            "20",
        ],
        TEMPLATE_DIR,
    )

    rows = {
        cells[0]: cells[1:]
        for line in output.splitlines()
        if (cells := [cell.strip() for cell in line.strip("|").split("|")])[0]
        in {"ours", "lesson-style", "drop/create"}
    }
    assert [isolated for *_, isolated in rows.values()] == ["yes", "no", "yes"]
    for wall, wall_ratio, median, median_ratio, _ in rows.values():
        assert float(wall) > float(median) > 0
        assert re.fullmatch(r"\d+\.\d\dx", wall_ratio)
        assert re.fullmatch(r"\d+\.\d\dx", median_ratio)
    wall, wall_ratio, *_ = rows["ours"]
    record_property(
        "figure",
        f"whole run per test, SQLite, ours against the lessons' conftest (bench/bench.py, 20 "
        f"tests, one round, beside this run's other tests): {wall} ms, {wall_ratio}",
    )


def test_suite_timings_report_every_figure_of_a_render(
    record_property: Callable[[str, object], None],
) -> None:
    command = ["bench/suites.py", "--only", "emptiest", "--no-thorough", "--no-isolation"]
    output = assert_succeeds([sys.executable, *command], TEMPLATE_DIR)

    (row,) = [line for line in output.splitlines() if line.startswith("| emptiest |")]
    first, collection, quick, thorough, import_app, import_session = [
        cell.strip() for cell in row.split("|")[2:-1]
    ]
    assert float(first) > 0
    assert float(quick) > float(collection) > 0
    assert thorough == "-"
    assert 0 < float(import_app) < float(import_session) < float(collection)
    assert "isolation" not in output
    assert re.search(r"^    \d+\.\d+s (call|setup|teardown) +tests/", output, re.MULTILINE)
    record_property(
        "figure",
        f"the emptiest render's suite (bench/suites.py, beside this run's other tests): first "
        f"quick run {first} s, collection {collection} s, quick run {quick} s",
    )
