"""How long a rendered project's own test suite takes, from the emptiest answers to the fullest.

For each of four renders (emptiest, default, jwt, fullest) it prints: the first quick run of the
fresh render (nothing warmed: no bytecode, no Hypothesis data), then, warm, the collection, the
quick run (`uv run pytest`) and the thorough run (`CI=true uv run pytest`) as wall seconds, the
import of `app.main` (`python -X importtime`, its cumulative time), and the quick run's slowest
tests. The runs use this repository's environment, which holds every render's dependencies, as
the meta suite does; Python writes bytecode, as on a user's machine.

    uv run python bench/suites.py [--only NAME ...] [--no-thorough]

The postgresql renders need TEST_DATABASE_URL, and every render's Redis tests TEST_REDIS_URL, as
for a rendered project. The isolation's own cost is bench/bench.py's (BENCHMARKS.md).
"""

import argparse
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


def import_seconds(project: Path, module: str) -> float:
    """The cumulative import time of the module, as `python -X importtime` gives it (warm)."""
    command = [sys.executable, "-X", "importtime", "-c", f"import {module}"]
    run(command, project)  # its bytecode written
    stderr = run(command, project).stderr
    found = re.search(rf"^import time:\s+\d+ \|\s+(\d+) \| {re.escape(module)}$", stderr, re.M)
    if found is None:
        raise SystemExit(f"no import time for {module}:\n{stderr[-2000:]}")
    return int(found[1]) / 1e6


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
        import_app=import_seconds(project, "app.main"),
        slowest=slowest(output),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=list(ANSWERS), default=list(ANSWERS))
    parser.add_argument("--no-thorough", action="store_true", help="leave out the thorough runs")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        results = {name: measure(name, Path(tmp), not args.no_thorough) for name in args.only}

    print(f"Python {sys.version.split()[0]}, wall seconds (warm but the first quick run)")
    print()
    print("| render | first quick run | collection | quick run | thorough run | import app.main |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, figures in results.items():
        thorough = "-" if figures.thorough is None else f"{figures.thorough:.1f}"
        print(
            f"| {name} | {figures.first_quick:.1f} | {figures.collection:.1f} "
            f"| {figures.quick:.1f} | {thorough} | {figures.import_app:.2f} |"
        )
    for name, figures in results.items():
        print()
        print(f"{name}, the quick run's slowest:")
        for line in figures.slowest:
            print(f"    {line}")


if __name__ == "__main__":
    main()
