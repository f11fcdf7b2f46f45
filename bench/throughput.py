"""Requests per second and latency of a rendered project's server, by server stack and database.

Renders a project per database (no auth), migrates it, serves it from one uvicorn process and
loads it with wrk from a second process on loopback: `GET /health`, `GET /items/{id}`,
`GET /items/` (20 items) and `POST /items/`. Each round runs both stacks, one after the other:
uvicorn's pure-Python one (asyncio, h11) and the one `uvicorn[standard]` brings (uvloop,
httptools). Each figure is the best of the rounds; the ratio compares the two stacks.

    uv run python bench/throughput.py [--seconds S] [--rounds R] [--connections C]

Needs wrk (`apt-get install wrk`); the PostgreSQL rows need TEST_DATABASE_URL.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import postgres
from tests.rendering import assert_succeeds, environment, render

STACKS = {"asyncio+h11": ["--loop", "asyncio", "--http", "h11"], "uvloop+httptools": []}
ENDPOINTS = ["/health", "/items/{id}", "/items/", "POST /items/"]
POST_SCRIPT = """
wrk.method = "POST"
wrk.body = '{"name": "Widget", "price": 1}'
wrk.headers["Content-Type"] = "application/json"
"""
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def settings(database_url: str, port: int) -> dict[str, str]:
    return {
        "ENVIRONMENT": "production",
        "ALLOWED_HOSTS": '["127.0.0.1"]',
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "LOG_FORMAT": "json",
    }


@contextmanager
def serving(project: Path, env: dict[str, str], stack: list[str]) -> Iterator[str]:
    """The project served by one uvicorn process with the given stack; yields its base URL."""
    port = env["PORT"]
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--port", port, *stack]
    server = subprocess.Popen(
        command,
        cwd=project,
        env=environment(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base_url}/health", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"the server did not start: {' '.join(command)}") from None
                time.sleep(0.1)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)


def post_item(base_url: str) -> int:
    request = urllib.request.Request(
        f"{base_url}/items/",
        data=json.dumps({"name": "Widget", "price": 1}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        item_id: int = json.load(response)["id"]
        return item_id


def load(
    url: str, seconds: int, connections: int, script: Path | None
) -> tuple[float, float, float]:
    """Requests per second, p50 and p99 latency in ms, from wrk."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", str(script)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    latency = {
        percent: float(value) * UNITS[unit]
        for percent, value, unit in re.findall(
            r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M
        )
    }
    return rate, latency["50"], latency["99"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="seconds per endpoint (5)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds; the best counts (2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")

    databases = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
    best: dict[tuple[str, str, str], tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        script = Path(tmp) / "post.lua"
        script.write_text(POST_SCRIPT)
        for database in databases:
            project = render(Path(tmp) / database, {"database": database})
            if database == "sqlite":
                url = f"sqlite+aiosqlite:///{Path(tmp) / 'throughput.db'}"
            else:
                name = f"throughput_{uuid.uuid4().hex[:8]}"
                url = stack.enter_context(postgres.new_database(postgres.server_url(), name))
            env = settings(url, 8791)
            assert_succeeds([sys.executable, "-m", "alembic", "upgrade", "head"], project, env)
            for _ in range(args.rounds):
                for stack_name, options in STACKS.items():
                    with serving(project, env, options) as base_url:
                        item = post_item(base_url)
                        for _ in range(19):
                            post_item(base_url)
                        for endpoint in ENDPOINTS:
                            path = endpoint.removeprefix("POST ").replace("{id}", str(item))
                            posting = endpoint.startswith("POST")
                            figures = load(
                                base_url + path,
                                args.seconds,
                                args.connections,
                                script if posting else None,
                            )
                            key = (database, endpoint, stack_name)
                            if key not in best or figures[0] > best[key][0]:
                                best[key] = figures

    print(
        f"One uvicorn process, wrk with {args.connections} connections on loopback, "
        f"{args.seconds} s per endpoint, best of {args.rounds} rounds"
    )
    print()
    print(
        "| database | endpoint | asyncio+h11 req/s | p50 ms | p99 ms "
        "| uvloop+httptools req/s | p50 ms | p99 ms | req/s ratio |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for database in databases:
        for endpoint in ENDPOINTS:
            slow = best[(database, endpoint, "asyncio+h11")]
            fast = best[(database, endpoint, "uvloop+httptools")]
            print(
                f"| {database} | `{endpoint}` | {slow[0]:.0f} | {slow[1]:.1f} | {slow[2]:.1f} "
                f"| {fast[0]:.0f} | {fast[1]:.1f} | {fast[2]:.1f} | {fast[0] / slow[0]:.2f}x |"
            )


if __name__ == "__main__":
    main()
