"""The production server bounds what a client sends before the app sees a request: heads too large
get 431, heads and bodies too slow get their connection closed, and others are served meanwhile.

Against `python -m app.server` on loopback, over raw sockets (marked `live`).
"""

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from app.server.protocol import MAX_HEAD_BYTES, MAX_HEADERS
from tests.database import spare_database
from tests.live_server import server_process
from tests.processes import PythonProcess

pytestmark = pytest.mark.live

TIMEOUT_SECONDS = 1.0
SLOW_CLIENTS = 20


@pytest.fixture(scope="module")
def bounded_server() -> Iterator[tuple[PythonProcess, str]]:
    """The production server with one-second head and body timeouts, and its base URL: one for
    these tests, which need no rows."""
    timeouts = {
        "HTTP_HEAD_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
        "HTTP_BODY_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
    }
    with (
        spare_database("edge") as database_url,
        server_process("app.server", database_url, timeouts) as running,
    ):
        yield running


async def connect(base_url: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    address = urlsplit(base_url)
    return await asyncio.open_connection(address.hostname, address.port)


async def answer_to(base_url: str, request: bytes) -> bytes:
    """What the server answers to these bytes, up to its closing the connection."""
    reader, writer = await connect(base_url)
    try:
        writer.write(request)
        await writer.drain()
    except ConnectionError:
        pass  # it closed before taking it all: what it said is still to be read
    try:
        return await asyncio.wait_for(reader.read(), timeout=30)
    except ConnectionError:
        return b""
    finally:
        writer.close()


def head(*headers: bytes) -> bytes:
    start = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    return start + b"".join(headers) + b"\r\n"


@pytest.mark.parametrize(
    "request_head",
    [
        head(*(b"X-%d: 1\r\n" % n for n in range(MAX_HEADERS + 1))),
        head(b"X-Big: " + b"a" * (MAX_HEAD_BYTES + 1) + b"\r\n"),
        head(*(b"X-%d: %s\r\n" % (n, b"a" * 1000) for n in range(MAX_HEAD_BYTES // 1000 + 1))),
    ],
    ids=["too-many-headers", "one-huge-header", "many-long-headers"],
)
async def test_a_head_over_its_bounds_gets_431(
    bounded_server: tuple[PythonProcess, str], request_head: bytes
) -> None:
    _, base_url = bounded_server

    answer = await answer_to(base_url, request_head)

    assert answer.startswith(b"HTTP/1.1 431 "), answer[:100]


async def test_a_head_within_its_bounds_is_served(
    bounded_server: tuple[PythonProcess, str],
) -> None:
    _, base_url = bounded_server

    answer = await answer_to(base_url, head(*(b"X-%d: 1\r\n" % n for n in range(50))))

    assert answer.startswith(b"HTTP/1.1 200 "), answer[:100]


def resident_bytes(process: PythonProcess) -> int:
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


async def test_memory_stays_bounded_under_many_large_unfinished_heads(
    bounded_server: tuple[PythonProcess, str],
) -> None:
    process, base_url = bounded_server
    before = resident_bytes(process)

    async def send_an_endless_header() -> int:
        """Send up to 8 MiB of one header that never ends; the bytes the server took."""
        _, writer = await connect(base_url)
        writer.write(b"GET / HTTP/1.1\r\nX-Endless: ")
        sent = 0
        try:
            while sent < 8 * 1024 * 1024:
                writer.write(b"a" * 65536)
                await writer.drain()
                sent += 65536
        except ConnectionError:
            pass
        finally:
            writer.close()
        return sent

    sent = await asyncio.gather(*(send_an_endless_header() for _ in range(10)))
    grown = resident_bytes(process) - before

    assert max(sent) < 8 * 1024 * 1024, "a connection took 8 MiB of unfinished head"
    assert grown < 16 * 1024 * 1024, f"the server grew by {grown / 2**20:.1f} MiB"


async def test_trickled_heads_and_bodies_are_closed_while_others_are_served(
    bounded_server: tuple[PythonProcess, str],
) -> None:
    _, base_url = bounded_server
    starts = [b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "] * SLOW_CLIENTS + [
        b"POST /users/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000\r\n\r\n{"
    ] * SLOW_CLIENTS

    async def trickle(start: bytes) -> float:
        """Send the start, then a byte every 0.1 s; the seconds until the server closes."""
        reader, writer = await connect(base_url)
        began = time.monotonic()
        writer.write(start)
        try:
            while time.monotonic() - began < 30:
                await writer.drain()
                if reader.at_eof() or writer.is_closing():
                    break
                writer.write(b"a")
                try:
                    if await asyncio.wait_for(reader.read(1024), timeout=0.1) == b"":
                        break
                except TimeoutError:
                    continue
        except ConnectionError:
            pass
        finally:
            writer.close()
        return time.monotonic() - began

    async def others() -> list[int]:
        await asyncio.sleep(TIMEOUT_SECONDS / 2)
        async with httpx.AsyncClient(base_url=base_url) as client:
            return [(await client.get("/health")).status_code for _ in range(5)]

    held = asyncio.gather(*(trickle(start) for start in starts))
    held_seconds, served = await asyncio.gather(held, others())

    assert served == [200] * 5
    # Closed at the timeout, not when the client gave up (30 s); generously bounded.
    longest = max(held_seconds)
    assert longest < TIMEOUT_SECONDS + 10, f"connections held for up to {longest:.1f} s"
