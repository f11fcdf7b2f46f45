"""What being production-ready costs per request: a render beside the same endpoints written bare.

Renders a project (`auth=jwt`), migrates one database, and serves it in turn from:
- floor (PostgreSQL only): `bench/floor.py`, Starlette with one asyncpg query per request and
  nothing else, under uvicorn with uvloop and httptools;
- bare: `bench/bare.py`, the same paths, SQL and response shapes as the render, as plainly as
  FastAPI and SQLAlchemy allow, under the same uvicorn;
- ours: the render's production server (`python -m app.server`, production settings, JSON logs to
  /dev/null);
- ours, observed: the same with metrics, tracing (no exporter) and Sentry (no DSN).

Each round starts each server in turn, signs in as one user and loads `GET /health`,
`GET /users/me`, `GET /items/{id}`, `GET /items/` (20 items) and `POST /items/` with wrk from a
second process on loopback. Each figure is the best of the rounds; the ratios are over bare and
over the floor.

    uv run python bench/overhead.py [--seconds S] [--rounds R] [--connections C]
        [--database sqlite|postgresql]

Needs wrk (`apt-get install wrk`); PostgreSQL needs TEST_DATABASE_URL.
"""

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import uuid
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import serving
from bench.throughput import POST_SCRIPT, Figures, load_each, seed, settings
from tests import postgres
from tests.rendering import TEMPLATE_DIR, assert_succeeds, render

ENDPOINTS = ["/health", "/users/me", "/items/{id}", "/items/", "POST /items/"]
PORT = 8792
OBSERVED = {"use_metrics": True, "use_tracing": True, "use_sentry": True}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="seconds per endpoint (5)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds; the best counts (2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--database", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    database = args.database or ("postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite")

    best: dict[tuple[str, str], Figures] = {}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        answers = {"database": database, "auth": "jwt"}
        ours = render(Path(tmp) / "ours", answers)
        observed = render(Path(tmp) / "observed", {**answers, **OBSERVED})
        if database == "sqlite":
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'overhead.db'}"
        else:
            name = f"overhead_{uuid.uuid4().hex[:8]}"
            url = stack.enter_context(postgres.new_database(postgres.server_url(), name))
        env = {
            **settings(url, PORT),
            "SECRET_KEY": secrets.token_urlsafe(32),
            "PYTHONPATH": str(TEMPLATE_DIR),
        }
        assert_succeeds([sys.executable, "-m", "alembic", "upgrade", "head"], ours, env)
        servers = {
            "bare": (plain_uvicorn("bench.bare:app"), TEMPLATE_DIR),
            "ours": (["-m", "app.server"], ours),
            "ours, observed": (["-m", "app.server"], observed),
        }
        if database == "postgresql":
            servers = {"floor": (plain_uvicorn("bench.floor:app"), TEMPLATE_DIR), **servers}
        with serving(*servers["ours"], env) as base_url:
            token, item = seed(base_url)
        script = Path(tmp) / "post.lua"
        script.write_text(POST_SCRIPT)
        for _ in range(args.rounds):
            for server, (command, folder) in servers.items():
                with serving(command, folder, env) as base_url:
                    loaded = load_each(
                        base_url, ENDPOINTS, item, token, script, args.seconds, args.connections
                    )
                    for endpoint, figures in loaded:
                        key = (server, endpoint)
                        best[key] = max(best.get(key, figures), figures)  # by req/s

    print(
        f"{database}: one server process each, wrk with {args.connections} connections on "
        f"loopback, {args.seconds} s per endpoint, best of {args.rounds} interleaved rounds"
    )
    print()
    bases = [base for base in ("bare", "floor") if base in servers]
    print(
        "| endpoint | server | req/s | p50 ms | p99 ms | p99/p50 |"
        + "".join(f" /{base} |" for base in bases)
    )
    print("| --- | --- |" + " ---: |" * (4 + len(bases)))
    for endpoint in ENDPOINTS:
        for server in servers:
            rate, p50, p99 = best[(server, endpoint)]
            row = f"| `{endpoint}` | {server} | {rate:.0f} | {p50:.1f} | {p99:.1f} |"
            row += f" {p99 / p50:.1f} |"
            for base in bases:
                row += f" {rate / best[(base, endpoint)][0]:.2f} |"
            print(row)


def plain_uvicorn(app: str) -> list[str]:
    """Arguments for uvicorn serving app on the benchmark's port: uvloop, httptools, no logs."""
    return [
        "-m", "uvicorn", app, "--port", str(PORT), "--loop", "uvloop", "--http", "httptools",
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip


if __name__ == "__main__":
    main()
