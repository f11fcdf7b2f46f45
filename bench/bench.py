"""Cost per test of the rendered project's isolation fixtures against two common alternatives.

Renders the template, writes N tests that each create an item through the API and read it back,
and runs them under three set-ups, in interleaved rounds:

- ours: the rendered tests/conftest.py and its plugins (outer transaction + SAVEPOINTs, rolled
  back after each test);
- lesson-style: the conftest that FastAPI testing lessons write, in place of ours: the tables made
  once, one session per test and rollback() at the end, NOT isolated against commits;
- drop/create: ours, with the tables created before each test and dropped after it.

For each it reports the whole run's wall time per test (interpreter start, plugins, collection
and session set-up included: what a user waits for) and the median test's own time (setup, call
and teardown), the best of R rounds each, and whether the rendered isolation test holds.

    uv run python bench/bench.py [--database sqlite|postgresql] [--tests N] [--rounds R]

With --database postgresql, TEST_DATABASE_URL names the server, as for a rendered project.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fixtures import CRUD_TEST, DROP_CREATE, LESSON_CONFTEST, TIMING_PLUGIN
from tests import postgres
from tests.rendering import render, run

PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
BENCH_TESTS = Path("tests") / "bench"


def prepare(
    project: Path, copy: Path, tests: int, conftest: str | None, override: str | None
) -> Path:
    """A copy of the project with the benchmark tests in tests/bench/, and its conftest replaced
    or a fixture override beside the tests, if given."""
    shutil.copytree(project, copy)
    (copy / "bench_timing.py").write_text(TIMING_PLUGIN)
    if conftest:
        (copy / "tests" / "conftest.py").write_text(conftest)
    folder = copy / BENCH_TESTS
    folder.mkdir()
    (folder / "__init__.py").touch()
    if override:
        (folder / "conftest.py").write_text(override)
    (folder / "test_crud.py").write_text("".join(CRUD_TEST.format(n=n) for n in range(tests)))
    shutil.copy(copy / "tests" / "test_isolation.py", folder / "test_isolation.py")
    return copy


def timed_run(project: Path, report: Path, env: dict[str, str]) -> tuple[float, float]:
    """The whole run's wall seconds, and the median test's seconds (setup, call and teardown)."""
    started = time.perf_counter()
    result = run(
        [*PYTEST, "-p", "bench_timing", str(BENCH_TESTS / "test_crud.py")],
        project,
        env={**env, "BENCH_TIMES": str(report)},
    )
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(
            f"benchmark tests failed in {project.name}:\n{result.stdout}{result.stderr}"
        )
    seconds: dict[str, float] = json.loads(report.read_text())
    return wall, statistics.median(seconds.values())


def isolated(project: Path, env: dict[str, str]) -> bool:
    return run([*PYTEST, str(BENCH_TESTS / "test_isolation.py")], project, env=env).returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--tests", type=int, default=300, help="CRUD tests per set-up (300)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the best counts (3)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        project = render(Path(tmp) / "render", {"database": args.database})
        lesson_env: dict[str, str] = {}
        if args.database == "postgresql":
            server = os.environ.get("TEST_DATABASE_URL") or sys.exit("set TEST_DATABASE_URL")
            name = f"bench_lesson_{uuid.uuid4().hex[:8]}"
            lesson_env["BENCH_DATABASE_URL"] = stack.enter_context(
                postgres.new_database(server, name)
            )
        setups = {
            "ours": (prepare(project, Path(tmp) / "ours", args.tests, None, None), {}),
            "lesson-style": (
                prepare(project, Path(tmp) / "lesson", args.tests, LESSON_CONFTEST, None),
                lesson_env,
            ),
            "drop/create": (
                prepare(project, Path(tmp) / "drop_create", args.tests, None, DROP_CREATE),
                {},
            ),
        }
        # The isolation test first: it imports what the timed runs import, and writes its bytecode.
        holds = {name: isolated(copy, env) for name, (copy, env) in setups.items()}
        wall = {name: float("inf") for name in setups}
        median = {name: float("inf") for name in setups}
        for round_ in range(args.rounds):
            for name, (copy, env) in setups.items():
                report = Path(tmp) / f"{round_}-{copy.name}.json"
                seconds, median_seconds = timed_run(copy, report, env)
                wall[name] = min(wall[name], seconds / args.tests * 1000)
                median[name] = min(median[name], median_seconds * 1000)

    print(
        f"{args.database}, {args.tests} tests (each POSTs an item and GETs it back), "
        f"best of {args.rounds} interleaved rounds"
    )
    print()
    print(
        "| set-up | whole run, ms per test | vs lesson-style | median test, ms | vs lesson-style "
        "| isolated against commits |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name in setups:
        print(
            f"| {name} | {wall[name]:.2f} | {wall[name] / wall['lesson-style']:.2f}x "
            f"| {median[name]:.2f} | {median[name] / median['lesson-style']:.2f}x "
            f"| {'yes' if holds[name] else 'no'} |"
        )


if __name__ == "__main__":
    main()
