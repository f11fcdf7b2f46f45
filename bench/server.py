"""Waiting for a benchmark's server process to answer."""

import subprocess
import time
import urllib.request

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
