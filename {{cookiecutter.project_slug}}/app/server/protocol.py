"""Bounds on what a client may send before the app sees a request: the production server's
HTTP protocol (`python -m app.server`).

uvicorn's httptools protocol holds a request head in memory however large it grows and waits for
it however long it takes (h11's size limit applies to h11 alone). This one answers 431 to a head
over MAX_HEAD_BYTES or MAX_HEADERS, and closes a connection whose head has not arrived within
HTTP_HEAD_TIMEOUT_SECONDS, or whose body has not within HTTP_BODY_TIMEOUT_SECONDS.
"""

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.core.config import get_settings

# The request line and the headers together; nginx allows 32 KiB by default, h11 16 KiB.
MAX_HEAD_BYTES = 32 * 1024
MAX_HEADERS = 100
HEAD_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-length: 0\r\nconnection: close\r\n\r\n"
)


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = get_settings()
        self.head_seconds = settings.http_head_timeout_seconds
        self.body_seconds = settings.http_body_timeout_seconds
        self.in_head = True  # until the first request's headers are complete
        self.head_received = 0  # bytes since this head began, as they arrive
        self.head_bytes = 0  # the request line's and headers' bytes, as parsed
        self.header_count = 0
        self.refused = False  # the head went past a bound: the app never sees the request
        # When the connection is closed unless the head or body in progress has arrived; None
        # while nothing is awaited. One timer checks it, and moves itself only when it fires
        # early: a timer for each request would cost every request two.
        self.deadline: float | None = None
        self.timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._close_after(self.head_seconds)  # a connection that sends nothing is no exception

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        if self.timer is not None:
            self.timer.cancel()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.in_head:
            self.head_received += len(data)
        super().data_received(data)
        # An unfinished head counts as it arrives: the parser keeps it until its headers end.
        unfinished_too_large = self.in_head and self.head_received > MAX_HEAD_BYTES
        if (self.refused or unfinished_too_large) and not self.transport.is_closing():
            self._cancel_deadline()
            self.transport.write(HEAD_TOO_LARGE)
            self.transport.close()

    # The parser's callbacks, one request after another.
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.in_head, self.head_bytes, self.header_count = True, 0, 0
        self._close_after(self.head_seconds)

    def on_url(self, url: bytes) -> None:
        if self._within_bounds(len(url)):
            super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self.header_count += 1
        if self._within_bounds(len(name) + len(value)):
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self.in_head, self.head_received = False, 0
        if not self.refused:
            self._close_after(self.body_seconds)
            super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self.refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self.refused:
            self._cancel_deadline()
            super().on_message_complete()

    def _within_bounds(self, size: int) -> bool:
        self.head_bytes += size
        self.refused |= self.head_bytes > MAX_HEAD_BYTES or self.header_count > MAX_HEADERS
        return not self.refused

    def _close_after(self, seconds: float) -> None:
        self.deadline = self.loop.time() + seconds
        if self.timer is None or self.timer.when() > self.deadline:
            if self.timer is not None:
                self.timer.cancel()
            self.timer = self.loop.call_at(self.deadline, self._check_deadline)

    def _cancel_deadline(self) -> None:
        self.deadline = None

    def _check_deadline(self) -> None:
        self.timer = None
        if self.deadline is None:
            return
        if self.loop.time() < self.deadline:  # moved on since the timer was set
            self.timer = self.loop.call_at(self.deadline, self._check_deadline)
        elif not self.transport.is_closing():
            self.deadline = None
            self.transport.close()
