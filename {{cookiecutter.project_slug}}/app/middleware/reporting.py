"""One layer that reports on every request once it is answered, or has failed: it hands what was
answered (status, time) to each reporter: the access log, and the metrics where a project has them.

A request is reported when the last byte of its response is sent, and timed to then: what runs
after it (a background task) is not the request's time, and does not hold its line back.
"""

import time
from collections.abc import Callable, Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Answer:
    """The status of the answer (500 until a response starts: the app failed first) and the time
    from the request's arrival to the end of its response (or to now, while it is not over)."""

    def __init__(self) -> None:
        self.status = 500
        self._started = time.perf_counter()
        self._ended: float | None = None

    def seconds(self) -> float:
        return (self._ended or time.perf_counter()) - self._started

    @property
    def ended(self) -> bool:
        return self._ended is not None

    def end(self) -> None:
        self._ended = time.perf_counter()


Reporter = Callable[[Scope, Answer], None]


class Reporting:
    """Serves each HTTP request, and calls each reporter with what was answered once the response
    has ended, or once the app has failed without ending one."""

    def __init__(self, app: ASGIApp, reporters: Sequence[Reporter]) -> None:
        self.app = app
        self.reporters = reporters

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answer = Answer()

        def report() -> None:
            answer.end()
            for reporter in self.reporters:
                reporter(scope, answer)

        async def send_and_report(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer.status = message["status"]
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                report()

        try:
            await self.app(scope, receive, send_and_report)
        finally:
            if not answer.ended:  # no response was ended: the app failed, or the client left
                report()
