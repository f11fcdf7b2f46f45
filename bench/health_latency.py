"""/health latency while sign-ups hash their passwords, with hashing in a worker thread (as the
rendered app does it) and, for contrast, on the event loop.

Renders the default project, serves it with uvicorn on loopback (one process, argon2id at its
production cost, a SQLite file), and times GET /health: alone, then while 20 sign-ups are in flight.

    uv run python bench/health_latency.py [--sign-ups N]
"""

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import wait_until_up
from tests.rendering import environment, render

LAUNCHER = """
import sys

import uvicorn

from app.core import security

if sys.argv[2] == "event-loop":
    async def hash_on_the_loop(password: str) -> str:
        return security.password_hash.hash(password)

    security.hash_password = hash_on_the_loop
uvicorn.run("app.main:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""
PORT = 8765
PROBES = 40


async def health_latency(client: httpx.AsyncClient) -> float:
    started = time.perf_counter()
    response = await client.get("/health")
    assert response.status_code == 200
    return (time.perf_counter() - started) * 1000


async def measure(base_url: str, sign_ups: int, run: int) -> tuple[list[float], list[float], float]:
    limits = httpx.Limits(max_connections=sign_ups + 5)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
        idle = [await health_latency(client) for _ in range(PROBES)]
        started = time.perf_counter()
        posts = [
            client.post(
                "/users/",
                json={
                    "username": f"u{run}x{n}",
                    "email": f"u{run}x{n}@example.com",
                    "password": "long enough",
                },
            )
            for n in range(sign_ups)
        ]
        sign_up_task = asyncio.gather(*posts)
        await asyncio.sleep(0.02)  # let the sign-ups reach the server first
        busy = []
        while not sign_up_task.done():
            busy.append(await health_latency(client))
        responses = await sign_up_task
        elapsed = time.perf_counter() - started
        assert all(response.status_code == 201 for response in responses)
    return idle, busy, elapsed


def serve(project: Path, database: Path, hashing: str) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, str(PORT), hashing],
        cwd=project,
        # Sign-ups are rate-limited per address by default: lifted here, where one client sends all.
        env=environment(
            {"DATABASE_URL": f"sqlite+aiosqlite:///{database}", "SIGN_UP_RATE_LIMIT": "1000/second"}
        ),
    )
    wait_until_up(server, f"http://127.0.0.1:{PORT}")
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sign-ups", type=int, default=20, help="sign-ups in flight (20)")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        project = render(Path(tmp), {"use_alembic": False})
        for run, hashing in enumerate(["worker-thread", "event-loop"]):
            server = serve(project, Path(tmp) / f"{hashing}.db", hashing)
            try:
                idle, busy, elapsed = asyncio.run(
                    measure(f"http://127.0.0.1:{PORT}", args.sign_ups, run)
                )
            finally:
                server.terminate()
                server.wait()
            rows.append((hashing, idle, busy, elapsed))

    print(
        f"GET /health, one request after another, while {args.sign_ups} sign-ups are in flight"
        f" (idle: {PROBES} requests alone); one uvicorn process; latencies in ms"
    )
    print()
    print(
        "| password hashing | idle median | answered during sign-ups | median | max "
        "| sign-ups took (s) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for hashing, idle, busy, elapsed in rows:
        print(
            f"| {hashing} | {statistics.median(idle):.1f} | {len(busy)} | "
            f"{statistics.median(busy):.1f} | {max(busy):.1f} | {elapsed:.2f} |"
        )


if __name__ == "__main__":
    main()
