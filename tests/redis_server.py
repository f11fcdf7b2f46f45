"""Redis servers for the meta tests: the shared one that TEST_REDIS_URL names, and ones of a test's
own.

TEST_REDIS_URL names the server that the rendered suites' shared rate-limit tests run against, as
for a rendered project (default redis://localhost:6379); .ci/run starts one. Without one, the tests
that need it skip locally and fail under CI.
"""

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError

from tests.processes import free_port, serving
from tests.rendering import server_unavailable


def server_url() -> str:
    """TEST_REDIS_URL, once a server answers there; otherwise skip, or fail under CI."""
    url = os.environ.get("TEST_REDIS_URL", "redis://localhost:6379")
    client = Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except RedisError as exc:
        server_unavailable(
            f"no Redis server answers at {url} ({exc})", "the rendered suites' Redis tests"
        )
    finally:
        client.close()
    return url


@contextmanager
def own_server(port: int, folder: Path, purpose: str) -> Iterator[subprocess.Popen[bytes]]:
    """A redis-server of the test's own on loopback, stopped at the end by its pid."""
    if shutil.which("redis-server") is None:
        server_unavailable("no redis-server here", purpose)
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    with serving(command, port, folder / f"redis-{port}.log") as process:
        yield process


class WatchedRedis:
    """A Redis server of the test's own, watched: its URL, and what reached it. Its watcher's
    connection is held from the start, so that any connection after it counts."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._watcher = Redis.from_url(url)
        self._connections_before = self._connections()

    def _connections(self) -> int:
        return int(self._watcher.info("stats")["total_connections_received"])

    def reached(self) -> dict[str, object]:
        """The connections made and the keys written since the start; empty when nothing was."""
        connections = self._connections() - self._connections_before
        keyspace = self.keys()
        return {"connections": connections, **keyspace} if connections or keyspace else {}

    def keys(self) -> dict[str, object]:
        """The keys it holds, per database; empty when it holds none."""
        keyspace: dict[str, object] = self._watcher.info("keyspace")
        return keyspace

    def close(self) -> None:
        self._watcher.close()


@contextmanager
def watched_server(folder: Path) -> Iterator[WatchedRedis]:
    """A Redis server of the test's own, watched."""
    port = free_port()
    with own_server(port, folder, "the watched Redis server"):
        watched = WatchedRedis(f"redis://127.0.0.1:{port}")
        try:
            yield watched
        finally:
            watched.close()
