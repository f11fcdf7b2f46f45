"""Per-test cost of the rendered project's isolation fixtures against two common alternatives.

Renders the template, writes N tests that each create an item through the API and read it back,
and runs them under three db_session fixtures in one go:

- ours: the rendered conftest.py (outer transaction + SAVEPOINTs, rolled back after each test);
- lesson-style: one session per test and rollback() at the end, NOT isolated against commits;
- drop/create: create the tables before each test and drop them after it.

It also runs the rendered isolation test under each fixture and says whether it holds.

    uv run python bench/bench.py [--database sqlite|postgresql] [--tests N] [--rounds R]

With --database postgresql, TEST_DATABASE_URL names the server, as for a rendered project.
"""

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fixtures import CRUD_TEST, DROP_CREATE, LESSON_STYLE, TIMING_PLUGIN
from tests.rendering import render, run

PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
VARIANTS = {"ours": None, "lesson-style": LESSON_STYLE, "drop/create": DROP_CREATE}


def prepare(project: Path, tests: int) -> dict[str, Path]:
    """A folder of benchmark tests per variant, each with its fixture override, if any."""
    (project / "bench_timing.py").write_text(TIMING_PLUGIN)
    folders = {}
    for index, (name, fixture) in enumerate(VARIANTS.items()):
        folder = project / "tests" / f"bench_{index}"
        folder.mkdir()
        (folder / "__init__.py").touch()
        if fixture:
            (folder / "conftest.py").write_text(fixture)
        (folder / "test_crud.py").write_text("".join(CRUD_TEST.format(n=n) for n in range(tests)))
        shutil.copy(project / "tests" / "test_isolation.py", folder / "test_isolation.py")
        folders[name] = folder
    return folders


def per_test_ms(project: Path, folder: Path, report: Path) -> float:
    """Median time of one test, setup and teardown included, in milliseconds."""
    result = run(
        [*PYTEST, "-p", "bench_timing", str(folder / "test_crud.py")],
        project,
        env={"BENCH_TIMES": str(report)},
    )
    if result.returncode != 0:
        raise SystemExit(
            f"benchmark tests failed in {folder.name}:\n{result.stdout}{result.stderr}"
        )
    seconds: dict[str, float] = json.loads(report.read_text())
    return statistics.median(seconds.values()) * 1000


def isolated(project: Path, folder: Path) -> bool:
    result = run([*PYTEST, str(folder / "test_isolation.py")], project)
    return result.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--tests", type=int, default=200, help="CRUD tests per fixture (200)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="runs per fixture; the best counts (3)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        project = render(Path(tmp), {"database": args.database})
        folders = prepare(project, args.tests)
        best = {name: float("inf") for name in folders}
        for round_ in range(args.rounds):
            for name, folder in folders.items():
                report = Path(tmp) / f"{round_}-{folder.name}.json"
                best[name] = min(best[name], per_test_ms(project, folder, report))
        holds = {name: isolated(project, folder) for name, folder in folders.items()}

    print(
        f"{args.database}, {args.tests} tests (each POSTs an item and GETs it back): "
        f"median time per test, best of {args.rounds} runs"
    )
    print()
    print("| fixture | ms per test | vs lesson-style | isolated against commits |")
    print("| --- | ---: | ---: | --- |")
    for name in folders:
        ratio = best[name] / best["lesson-style"]
        print(f"| {name} | {best[name]:.2f} | {ratio:.2f}x | {'yes' if holds[name] else 'no'} |")


if __name__ == "__main__":
    main()
