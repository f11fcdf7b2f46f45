"""A real server process: uvicorn serving the app on loopback, on a database of its own.

`python -m tests.live_server PORT` runs it as the tests start it: with the tests' cheap password
hashing, unless LIVE_SERVER_HASHING=production, and with every SQLAlchemy warning raised as an
error, so that a warning shows as a 500 that the tests see.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy.exc import SAWarning

from app.core import security
from tests.factories import CHEAP_PASSWORD_HASH

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def live_server(database_url: str, settings: Mapping[str, str] | None = None) -> Iterator[str]:
    """Run the server on the given database until the block ends; yield its base URL.

    It takes the tests' settings from the environment, with `settings` over them, and runs in an
    empty folder, so that it reads no `.env`.
    """
    port = free_port()
    environment = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "DATABASE_URL": database_url,
        **(settings or {}),
    }
    with tempfile.TemporaryDirectory() as empty:
        server = subprocess.Popen(
            [sys.executable, "-m", "tests.live_server", str(port)], cwd=empty, env=environment
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_until_up(server, base_url)
            yield base_url
        finally:
            server.terminate()
            server.wait(timeout=STARTUP_SECONDS)


def _wait_until_up(server: subprocess.Popen[bytes], base_url: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"the server did not answer within {STARTUP_SECONDS} s")


def main(port: int) -> None:
    warnings.simplefilter("error", SAWarning)
    if os.environ.get("LIVE_SERVER_HASHING") != "production":
        security.password_hash = CHEAP_PASSWORD_HASH
    uvicorn.run("app.main:app", host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main(int(sys.argv[1]))
