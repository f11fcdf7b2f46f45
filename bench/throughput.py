"""Requests per second and latency of a rendered project's server, by server stack and database.

Renders a project per database (with sign-in), migrates it, serves it from one uvicorn process
and loads it with wrk from a second process on loopback, signed in as one user: `GET /health`,
`GET /items/{id}`, `GET /items/` (20 items), `POST /items/` and `GET /users/me`. Each round runs
both stacks, one after the other: uvicorn's pure-Python one (asyncio, h11) and the one
`uvicorn[standard]` brings (uvloop, httptools). Each figure is the best of the rounds; the ratio
compares the two stacks.

    uv run python bench/throughput.py [--seconds S] [--rounds R] [--connections C]
        [--database sqlite|postgresql] [--stack asyncio+h11|uvloop+httptools]

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
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import serving
from tests import postgres
from tests.rendering import assert_succeeds, render

STACKS = {"asyncio+h11": ["--loop", "asyncio", "--http", "h11"], "uvloop+httptools": []}
ENDPOINTS = ["/health", "/items/{id}", "/items/", "POST /items/", "/users/me"]
POST_SCRIPT = """
wrk.method = "POST"
wrk.body = '{"name": "Widget", "price": 1}'
wrk.headers["Content-Type"] = "application/json"
"""
USER = {"username": "bench", "email": "bench@example.com", "password": "correct horse battery"}
FORM = "application/x-www-form-urlencoded"
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def settings(database_url: str, port: int) -> dict[str, str]:
    return {
        "ENVIRONMENT": "production",
        "ALLOWED_HOSTS": '["127.0.0.1"]',
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "LOG_FORMAT": "json",
    }


def call(base_url: str, path: str, body: bytes, content_type: str, token: str = "") -> Any:
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base_url + path, data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def sign_in(base_url: str) -> str:
    """An access token for the benchmark's user, who is signed up on first use."""
    try:
        call(base_url, "/users/", json.dumps(USER).encode(), "application/json")
    except urllib.error.HTTPError as error:
        if error.code != 409:
            raise
    form = urllib.parse.urlencode({"username": USER["username"], "password": USER["password"]})
    token: str = call(base_url, "/auth/token", form.encode(), FORM)["access_token"]
    return token


def post_item(base_url: str, token: str) -> int:
    body = json.dumps({"name": "Widget", "price": 1}).encode()
    item_id: int = call(base_url, "/items/", body, "application/json", token)["id"]
    return item_id


def seed(base_url: str) -> tuple[str, int]:
    """Sign in as the benchmark's user and make 20 items (a whole page for the list); return the
    token and the first item's id."""
    token = sign_in(base_url)
    items = [post_item(base_url, token) for _ in range(20)]
    return token, items[0]


Figures = tuple[float, float, float]


def load(url: str, seconds: int, connections: int, script: Path | None, token: str) -> Figures:
    """Requests per second, p50 and p99 latency in ms, from wrk."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    command += ["-H", f"Authorization: Bearer {token}"]
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


def load_each(
    base_url: str,
    endpoints: list[str],
    item: int,
    token: str,
    script: Path,
    seconds: int,
    connections: int,
) -> Iterator[tuple[str, Figures]]:
    """Each endpoint in turn, `{id}` being the item, with its figures from wrk; a `POST ...` one
    sends the script's body."""
    for endpoint in endpoints:
        path = endpoint.removeprefix("POST ").replace("{id}", str(item))
        posting = endpoint.startswith("POST")
        yield (
            endpoint,
            load(base_url + path, seconds, connections, script if posting else None, token),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="seconds per endpoint (5)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds; the best counts (2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], help="only this one")
    parser.add_argument("--stack", choices=list(STACKS), help="only this one")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")

    databases = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
    if args.database:
        databases = [args.database]
    stacks = {name: options for name, options in STACKS.items() if args.stack in (None, name)}
    best: dict[tuple[str, str, str], Figures] = {}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        script = Path(tmp) / "post.lua"
        script.write_text(POST_SCRIPT)
        for database in databases:
            project = render(Path(tmp) / database, {"database": database, "auth": "jwt"})
            if database == "sqlite":
                url = f"sqlite+aiosqlite:///{Path(tmp) / 'throughput.db'}"
            else:
                name = f"throughput_{uuid.uuid4().hex[:8]}"
                url = stack.enter_context(postgres.new_database(postgres.server_url(), name))
            env = settings(url, 8791)
            assert_succeeds([sys.executable, "-m", "alembic", "upgrade", "head"], project, env)
            for _ in range(args.rounds):
                for stack_name, options in stacks.items():
                    uvicorn = ["-m", "uvicorn", "app.main:app", "--port", env["PORT"], *options]
                    with serving(uvicorn, project, env) as base_url:
                        token, item = seed(base_url)
                        loaded = load_each(
                            base_url, ENDPOINTS, item, token, script, args.seconds, args.connections
                        )
                        for endpoint, figures in loaded:
                            key = (database, endpoint, stack_name)
                            best[key] = max(best.get(key, figures), figures)  # by req/s

    print(
        f"One uvicorn process, wrk with {args.connections} connections on loopback, "
        f"{args.seconds} s per endpoint, best of {args.rounds} rounds"
    )
    print()
    header = "| database | endpoint |"
    for name in stacks:
        header += f" {name} req/s | p50 ms | p99 ms | p99/p50 |"
    if len(stacks) == 2:
        header += " req/s ratio |"
    print(header)
    print("| --- | --- |" + " ---: |" * (header.count("|") - 3))
    for database in databases:
        for endpoint in ENDPOINTS:
            row = f"| {database} | `{endpoint}` |"
            for name in stacks:
                rate, p50, p99 = best[(database, endpoint, name)]
                row += f" {rate:.0f} | {p50:.1f} | {p99:.1f} | {p99 / p50:.1f} |"
            if len(stacks) == 2:
                slow, fast = (best[(database, endpoint, name)][0] for name in stacks)
                row += f" {fast / slow:.2f}x |"
            print(row)


if __name__ == "__main__":
    main()
