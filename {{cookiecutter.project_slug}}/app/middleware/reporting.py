"""One layer that reports on every request once it is answered, or has failed: it hands what was
answered (status, time) to each reporter: the access log, and the metrics where a project has them.
"""

import time
from collections.abc import Callable, Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Answer:
    """The status of the answer (500 until a response starts: the app failed first) and the time
    since the request came in. `watching(send)` is the `send` to hand the app."""

    def __init__(self) -> None:
        self.status = 500
        self._started = time.perf_counter()

    def watching(self, send: Send) -> Send:
        async def send_and_note_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.status = message["status"]
            await send(message)

        return send_and_note_status

    def seconds(self) -> float:
        return time.perf_counter() - self._started


Reporter = Callable[[Scope, Answer], None]


class Reporting:
    """Serves each HTTP request, then calls each reporter with what was answered, also when the app
    failed."""

    def __init__(self, app: ASGIApp, reporters: Sequence[Reporter]) -> None:
        self.app = app
        self.reporters = reporters

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answer = Answer()
        try:
            await self.app(scope, receive, answer.watching(send))
        finally:
            for report in self.reporters:
                report(scope, answer)
