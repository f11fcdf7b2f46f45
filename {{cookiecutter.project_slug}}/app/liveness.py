"""Whether the worker and the scheduler are alive, for the checks that restart a hung one.

Each touches its file every ALIVE_SECONDS while its event loop runs (`beating`);
`python -m app.liveness worker` (or `scheduler`), quick to start (the standard library only),
exits 0 when the process showed a sign of life within STALE_SECONDS, or 1 with one line that says
what is wrong.
"""

import asyncio
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

ALIVE_SECONDS = 5.0
STALE_SECONDS = 30.0
PROCESSES = ("worker", "scheduler")


def alive_file(process: str) -> Path:
    """The file that the process touches: in the temporary folder, which is the container's own
    (an emptyDir under Kubernetes)."""
    return Path(tempfile.gettempdir(), f"{{ cookiecutter.project_slug }}-{process}.alive")


@asynccontextmanager
async def beating(process: str) -> AsyncIterator[None]:
    """While the block runs, touch the process's file every ALIVE_SECONDS; remove it at the end."""
    path = alive_file(process)
    path.touch()

    async def beat() -> None:
        while True:
            await asyncio.sleep(ALIVE_SECONDS)
            path.touch()

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        path.unlink(missing_ok=True)


def problem(process: str) -> str | None:
    """None when the process showed a sign of life within STALE_SECONDS, else what is wrong."""
    path = alive_file(process)
    try:
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return f"the {process} has not started, or has stopped: no {path}"
    if age > STALE_SECONDS:
        return f"the {process} has shown no sign of life for {age:.0f} s"
    return None


def main(arguments: list[str]) -> int:
    said: str | None
    if len(arguments) != 1 or arguments[0] not in PROCESSES:
        said = f"usage: python -m app.liveness {'|'.join(PROCESSES)}"
    else:
        said = problem(arguments[0])
    if said is not None:
        print(said, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
