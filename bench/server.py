"""A benchmark's server process: started, waited for until it answers, and stopped."""

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.rendering import environment

STARTUP_SECONDS = 30


def wait_until_up(server: subprocess.Popen[bytes], base_url: str) -> None:
    """Return once `GET /health` answers; stop the benchmark if the server exits or stays silent."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            urllib.request.urlopen(f"{base_url}/health", timeout=1)
            return
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise SystemExit(f"the server did not start: {server.args!r}") from None
            time.sleep(0.1)


@contextmanager
def serving(arguments: list[str], folder: Path, env: dict[str, str]) -> Iterator[str]:
    """`python <arguments>` run in the folder with these settings (PORT among them), its output
    dropped; yields its base URL once it answers, and stops it at the end."""
    server = subprocess.Popen(
        [sys.executable, *arguments],
        cwd=folder,
        env=environment(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{env['PORT']}"
    try:
        wait_until_up(server, base_url)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)
