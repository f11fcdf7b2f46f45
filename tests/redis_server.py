"""The Redis server that the rendered suites' shared rate-limit tests run against.

TEST_REDIS_URL names it, as for a rendered project (default redis://localhost:6379); .ci/run starts
one. Without one, the tests that need it skip locally and fail under CI.
"""

import os

from redis import Redis
from redis.exceptions import RedisError

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
