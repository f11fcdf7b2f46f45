"""The servers, workers and schedulers that the live tests start: each `python -m <module>` forked
from one process that has imported the libraries once (multiprocessing's forkserver), instead of
a new interpreter that imports them again, which is most of what starting one costs.

A forked process is still a process of its own: its own pid for signals, its own sockets, settings
and folder, and the module run as `python -m` runs it. Only the libraries were imported before it
began, and it ends as multiprocessing's processes do, without `atexit`. The commands whose start
the tests examine (a refused setting, Alembic, the CLI) start as `python -m` themselves
(tests/commands.py).
"""

import faulthandler
import multiprocessing
import os
import runpy
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from multiprocessing.context import ForkServerContext
from pathlib import Path

from tests.commands import deployment_environment

# Generous: a busy machine may take seconds to stop a process that drains.
STOP_SECONDS = 30
# What makes a forked process write where each of its threads is (faulthandler), to its output.
SHOW_STACKS = signal.SIGUSR1

# What the servers, workers and schedulers import, imported once, by the process that the others
# are forked from. Not prometheus_client, which reads PROMETHEUS_MULTIPROC_DIR as it is imported.
LIBRARIES = [
    "fastapi",
    "httpx",
    "pydantic_settings",
    "pytest",
    "redis.asyncio",
    "sqlalchemy.ext.asyncio",
    "sqlalchemy.orm",
    "uvicorn",
    "{{ 'asyncpg' if cookiecutter.database == 'postgresql' else 'aiosqlite' }}",
{%- if cookiecutter.auth != "oidc" %}
    "email_validator",
    "limits",
{%- endif %}
{%- if cookiecutter.background_jobs == "taskiq" %}
    "taskiq",
    "taskiq_redis",
{%- endif %}
]


@cache
def _forking() -> ForkServerContext:
    """The forkserver, with the libraries to import: made when the first process starts, so
    that a run without live tests has none."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(LIBRARIES)
    return context


class PythonProcess:
    """`python -m module` in the folder, with exactly this environment and its output (stdout and
    stderr) to the file; what the tests use of subprocess.Popen."""

    def __init__(
        self, module: str, folder: Path | str, environment: Mapping[str, str], output: Path
    ) -> None:
        self.args = [sys.executable, "-m", module]
        self.folder = Path(folder)  # where it runs
        self._output = output
        self._said: str | None = None  # all it wrote, once it is kept
        self._process = _forking().Process(
            target=_run, args=(module, str(folder), dict(environment), str(output))
        )
        self._process.start()
        self.pid: int = self._process.pid  # type: ignore[assignment]

    def output(self) -> str:
        """What it has written (stdout and stderr) so far."""
        if self._said is not None:
            return self._said
        return self._output.read_text() if self._output.exists() else ""

    def has_written(self, text: str, seconds: float) -> bool:
        """Whether its output holds the text within that many seconds, looking as it goes."""
        deadline = time.monotonic() + seconds
        while text not in self.output():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def keep_output(self) -> str:
        """What it wrote, kept for good: its file is about to go."""
        self._said = self.output()
        return self._said

    @property
    def returncode(self) -> int | None:
        """As Popen's: None while it runs, then its exit status, or minus the signal that ended
        it."""
        return self._process.exitcode

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


@contextmanager
def running(module: str, settings: Mapping[str, str | None]) -> Iterator[PythonProcess]:
    """`python -m module` from an empty folder of its own, so that it reads no `.env` and keeps its
    files there (TMPDIR), with the tests' settings and these over them (tests/commands.py), until
    the block ends: then SIGTERM, and its end waited for; one that has not ended within
    STOP_SECONDS writes where its threads are, and is killed. What it wrote is printed then, shown
    with its test's output if that fails, and stays readable."""
    with tempfile.TemporaryDirectory() as folder:
        environment = deployment_environment({"TMPDIR": folder, **settings})
        process = PythonProcess(module, folder, environment, Path(folder, "output.log"))
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=STOP_SECONDS)
            finally:
                if process.returncode is None:  # it did not stop: where it is, then its end
                    _show_stacks(process)
                    process.kill()
                    process.wait(timeout=STOP_SECONDS)
                print(process.keep_output(), end="")


def _show_stacks(process: PythonProcess) -> None:
    """Have the process write where each of its threads is to its output, and wait until it has
    (a few seconds at most)."""
    process.send_signal(SHOW_STACKS)
    process.has_written("most recent call first", 5)


def _run(module: str, folder: str, environment: dict[str, str], output: str) -> None:
    """In the forked process: become `python -m module`, run from the folder."""
    os.chdir(folder)
    os.environ.clear()
    os.environ.update(environment)
    # Its standard streams, which its own children inherit (uvicorn's workers): input from
    # /dev/null, output and errors to the file.
    _attach(0, os.devnull, os.O_RDONLY)
    _attach(1, output, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(1, 2)
    faulthandler.register(SHOW_STACKS, all_threads=True)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115 (the process's, open until it ends)
    if environment.get("PYTHONUNBUFFERED"):
        sys.stdout.reconfigure(write_through=True)  # type: ignore[union-attr]
    sys.path[:0] = [folder, *filter(None, environment.get("PYTHONPATH", "").split(os.pathsep))]
    sys.argv = [module]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


def _attach(fd: int, path: str, flags: int) -> None:
    """Open the file as the given file descriptor, which children inherit."""
    opened = os.open(path, flags)
    if opened != fd:
        os.dup2(opened, fd)
        os.close(opened)
    os.set_inheritable(fd, True)
