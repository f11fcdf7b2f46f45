"""A render's production server while the rate limits' Redis goes down, freezes and comes back.

The test starts a redis-server of its own (Debian's; .ci/run installs it) and stops and freezes
only that one, by its pid. It counts the answers, times them and counts the warning lines.
"""

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.processes import free_port, serving
from tests.redis_server import own_server
from tests.rendering import environment, render

LOGINS = 16
# A request's longest wait for the storage (app/api/rate_limit.py), and a margin for a busy machine.
BOUND_SECONDS = 0.5 + 1.5


def logins(base_url: str) -> list[tuple[int, float]]:
    """LOGINS concurrent wrong logins: each one's status and seconds."""
    return asyncio.run(_logins(base_url))


async def _logins(base_url: str) -> list[tuple[int, float]]:

    async def login(client: httpx.AsyncClient, n: int) -> tuple[int, float]:
        started = time.monotonic()
        form = {"username": f"nobody{n}", "password": "wrong password"}
        response = await client.post("/auth/token", data=form)
        return response.status_code, time.monotonic() - started

    limits = httpx.Limits(max_connections=LOGINS)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
        return list(await asyncio.gather(*(login(client, n) for n in range(LOGINS))))


def warnings_in(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if "Rate limits are" in line]


@pytest.mark.slow
def test_a_redis_outage_is_answered_quickly_with_one_warning_each_way(
    tmp_path: Path,
) -> None:
    project = render(tmp_path, {"auth": "jwt", "use_alembic": False})
    redis_port, app_port = free_port(), free_port()
    log = tmp_path / "server.log"
    settings = {
        "ENVIRONMENT": "local",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'outage.db'}",
        "RATE_LIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}",
        "LOGIN_RATE_LIMIT": "1000/minute",
        "SECRET_KEY": "k" * 8 + "0123456789abcdefghijklmnopqrstuvwxyz",
        "PORT": str(app_port),
    }
    app_server = [sys.executable, "-m", "app.server"]
    with (
        own_server(redis_port, tmp_path, "the Redis outage test") as redis,
        serving(app_server, app_port, log, cwd=project, env=environment(settings)),
    ):
        base_url = f"http://127.0.0.1:{app_port}"
        up = logins(base_url)
        os.kill(redis.pid, signal.SIGSTOP)
        frozen = logins(base_url)
        os.kill(redis.pid, signal.SIGCONT)
        time.sleep(5.5)  # the storage is tried again every 5 s
        back = logins(base_url)
        redis.terminate()
        redis.wait(timeout=30)
        down = logins(base_url)

    for name, answers in [("up", up), ("frozen", frozen), ("back", back), ("down", down)]:
        statuses = Counter(status for status, _ in answers)
        slowest = max(seconds for _, seconds in answers)
        assert statuses == {401: LOGINS}, (name, statuses)
        assert slowest < BOUND_SECONDS * 4, f"{name}: the slowest login took {slowest:.2f} s"
    warnings = warnings_in(log)
    assert len(warnings) == 3, warnings  # off when frozen, on when back, off when down
    assert "Traceback" not in log.read_text()
