"""A service that the app can do without for a while (a Redis server: the rate limits' storage,
the jobs' broker): one warning when it starts failing and one when it answers again, never one
per request or per try, and, where trying costs a wait, a pause between tries."""

import logging
import time
from dataclasses import dataclass, field


@dataclass
class Outage:
    """Whether the service is failing, since when, and when to try it again.

    `failing` is the warning as it starts failing, with `%s` for what went wrong; `answering` the
    one as it answers again, with `%.0f` for the seconds it was out. After a failure, callers
    leave it alone for `retry_seconds` (`waiting()`); `timeout_seconds` is how long they wait for
    an answer, which the first warning names when none came."""

    logger: logging.Logger
    failing: str
    answering: str
    timeout_seconds: float
    retry_seconds: float = 0
    since: float | None = field(default=None, init=False)
    next_try: float = field(default=0.0, init=False)

    def waiting(self) -> bool:
        """True while the service failed lately and is not to be tried yet."""
        return self.since is not None and time.monotonic() < self.next_try

    def failed(self, error: BaseException) -> None:
        now = time.monotonic()
        if self.since is None:
            self.since = now
            cause = error.__cause__ or error
            timed_out = isinstance(error, TimeoutError) or isinstance(cause, TimeoutError)
            said = (
                f"no answer within {self.timeout_seconds:g} s"
                if timed_out
                else type(cause).__name__
            )
            self.logger.warning(self.failing, said)
        self.next_try = now + self.retry_seconds

    def ended(self) -> None:
        if self.since is not None:
            self.logger.warning(self.answering, time.monotonic() - self.since)
            self.since = None
