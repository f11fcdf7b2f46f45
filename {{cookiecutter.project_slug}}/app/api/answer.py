"""What the app answered each request, for the middleware that reports on it: the access log,
and the metrics where a project has them."""

import time

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


class ReportingMiddleware:
    """Serves each HTTP request, then calls `report` with what was answered, also when the app
    failed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answer = Answer()
        try:
            await self.app(scope, receive, answer.watching(send))
        finally:
            self.report(scope, answer)

    def report(self, scope: Scope, answer: Answer) -> None:
        raise NotImplementedError
