"""How long a rendered project's own test suite takes, from the emptiest answers to the fullest.

For each of four renders (emptiest, default, jwt, fullest) it prints: the first quick run of the
fresh render (nothing warmed: no bytecode, no Hypothesis data), then, warm, the collection, the
quick run (`uv run pytest`) and the thorough run (`CI=true uv run pytest`) as wall seconds, the
imports (`python -X importtime`, cumulative) of `app.main` and of the test session (the conftest
and its plugins), and the quick run's slowest tests. Then the isolation's own cost: the whole run
of bench/bench.py's tests under the render's fixtures against the lessons' conftest, on SQLite
and, with TEST_DATABASE_URL, on PostgreSQL. The runs use this repository's environment, which
holds every render's dependencies, as the meta suite does; Python writes bytecode, as on a user's
machine.

    uv run python bench/suites.py [--only NAME ...] [--no-thorough] [--no-isolation]

The postgresql renders need TEST_DATABASE_URL, and every render's Redis tests TEST_REDIS_URL, as
for a rendered project.
"""

import argparse
import os
import re
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.rendering import QUICK, THOROUGH, chosen_options, emptiest, fullest, render, run

ANSWERS: dict[str, dict[str, object]] = {
    "emptiest": emptiest(chosen_options()),
    "default": {},
    "jwt": {"auth": "jwt"},
    "fullest": fullest(chosen_options()),
}
PYTEST = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]
SLOWEST = 5


def timed(command: list[str], project: Path, env: Mapping[str, str]) -> tuple[float, str]:
    """The command's wall seconds and its output; it must succeed."""
    started = time.perf_counter()
    result = run(command, project, env=dict(env))
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {project}:\n{result.stdout}")
    return seconds, result.stdout


# The test session's own imports: the conftest, then each plugin it names.
SESSION = "import tests.conftest as c; [__import__(plugin) for plugin in c.pytest_plugins]"


def import_seconds(project: Path, code: str) -> float:
    """The cumulative import time of what the code imports, as `python -X importtime` gives it
    (warm): the sum over the modules it imports itself."""
    command = [sys.executable, "-X", "importtime", "-c", code]
    run(command, project)  # its bytecode written
    stderr = run(command, project).stderr
    top_level = re.findall(r"^import time:\s+\d+ \|\s+(\d+) \| \S", stderr, re.M)
    if not top_level:
        raise SystemExit(f"no import times for {code}:\n{stderr[-2000:]}")
    return sum(map(int, top_level)) / 1e6


def isolation_ratio(database: str) -> str:
    """bench/bench.py's whole run per test under the render's fixtures, against the lessons'
    conftest, on the database: e.g. `1.23x`."""
    bench = Path(__file__).with_name("bench.py")
    result = run([sys.executable, str(bench), "--database", database], bench.parent.parent)
    if result.returncode != 0:
        raise SystemExit(f"bench/bench.py --database {database} failed:\n{result.stdout}")
    (ours,) = [line for line in result.stdout.splitlines() if line.startswith("| ours |")]
    return ours.split("|")[3].strip()


def slowest(output: str) -> list[str]:
    """The slowest tests that `--durations` listed: seconds, phase and test, one line each."""
    return [
        line.strip()
        for line in output.splitlines()
        if re.match(r"^\d+\.\d+s (call|setup|teardown) ", line)
    ][:SLOWEST]


@dataclass(frozen=True)
class Figures:
    first_quick: float
    collection: float
    quick: float
    thorough: float | None
    import_app: float
    import_session: float
    slowest: list[str]


def measure(name: str, folder: Path, thorough: bool) -> Figures:
    project = render(folder / name, {**ANSWERS[name], "project_slug": f"bench_{name}"})
    first, _ = timed([*PYTEST, "-q"], project, QUICK)
    collection, _ = timed([*PYTEST, "-q", "--collect-only"], project, QUICK)
    quick, output = timed([*PYTEST, "-q", f"--durations={SLOWEST}"], project, QUICK)
    return Figures(
        first_quick=first,
        collection=collection,
        quick=quick,
        thorough=timed([*PYTEST, "-q"], project, THOROUGH)[0] if thorough else None,
        import_app=import_seconds(project, "import app.main"),
        import_session=import_seconds(project, SESSION),
        slowest=slowest(output),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=list(ANSWERS), default=list(ANSWERS))
    parser.add_argument("--no-thorough", action="store_true", help="leave out the thorough runs")
    parser.add_argument(
        "--no-isolation", action="store_true", help="leave out the isolation's cost (bench.py)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        results = {name: measure(name, Path(tmp), not args.no_thorough) for name in args.only}
    databases = ["sqlite", "postgresql"] if os.environ.get("TEST_DATABASE_URL") else ["sqlite"]
    ratios = {} if args.no_isolation else {name: isolation_ratio(name) for name in databases}

    print(f"Python {sys.version.split()[0]}, wall seconds (warm but the first quick run)")
    print()
    print(
        "| render | first quick run | collection | quick run | thorough run | import app.main "
        "| import test session |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, figures in results.items():
        thorough = "-" if figures.thorough is None else f"{figures.thorough:.1f}"
        print(
            f"| {name} | {figures.first_quick:.1f} | {figures.collection:.1f} "
            f"| {figures.quick:.1f} | {thorough} | {figures.import_app:.2f} "
            f"| {figures.import_session:.2f} |"
        )
    for database, ratio in ratios.items():
        print()
        print(
            f"isolation, {database}: the whole run per test under the render's fixtures is {ratio} "
            "the lessons' conftest's (bench/bench.py, default render, 300 tests, best of 3)"
        )
    for name, figures in results.items():
        print()
        print(f"{name}, the quick run's slowest:")
        for line in figures.slowest:
            print(f"    {line}")


if __name__ == "__main__":
    main()
