"""A relay on loopback to a TCP server, which can stop passing bytes: for a client that goes
through it, the server is frozen, as SIGSTOP leaves one (connections are accepted, nothing is
answered), while the server itself, which other tests share, runs on. It can also show what the
server sends to whoever reads it."""

import asyncio
import threading
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, Self

# Made for each connection: it sees every chunk of bytes the server sends on it, in order.
Watcher = Callable[[], Callable[[bytes], None]]


class Relay:
    def __init__(self, host: str, port: int, watcher: Watcher | None = None) -> None:
        self.target = (host, port)
        self._watcher = watcher
        self.port = 0
        self._flowing = asyncio.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._writers: set[asyncio.StreamWriter] = set()

    def freeze(self, frozen: bool) -> None:
        """Stop passing bytes, either way, or pass them again (what was held goes first)."""

        async def switch() -> None:
            if frozen:
                self._flowing.clear()
            else:
                self._flowing.set()

        self._run(switch())

    def __enter__(self) -> Self:
        self._thread.start()
        self.freeze(False)
        self._server = self._run(asyncio.start_server(self._relay, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.freeze(False)
        self._run(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def _run(self, work: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=10)

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection(*self.target)
        self._writers |= {writer, server_writer}
        watch = self._watcher() if self._watcher else None
        await asyncio.gather(
            self._pipe(reader, server_writer), self._pipe(server_reader, writer, watch)
        )

    async def _pipe(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        watch: Callable[[bytes], None] | None = None,
    ) -> None:
        try:
            while data := await reader.read(65536):
                await self._flowing.wait()
                if watch:
                    watch(data)  # before the client has it, so counts are whole when it answers
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def _close(self) -> None:
        self._server.close()
        for writer in self._writers:
            writer.close()
        await self._server.wait_closed()
