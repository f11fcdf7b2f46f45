"""A real server process: uvicorn serving the app on loopback, on a database of its own."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

# Starts uvicorn with the tests' cheap password hashing: the server's job here is to take
# concurrent requests, not to spend 100 ms of CPU on each hash.
LAUNCHER = """
import sys

import uvicorn

from app.core import security
from tests.factories import CHEAP_PASSWORD_HASH

security.password_hash = CHEAP_PASSWORD_HASH
uvicorn.run("app.main:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""
PROJECT_ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def live_server(database_url: str) -> Iterator[str]:
    """Run the server on the given database until the block ends; yield its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, str(port)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "ENVIRONMENT": "test"},
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
