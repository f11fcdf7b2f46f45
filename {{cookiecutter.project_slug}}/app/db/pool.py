"""The connection pool: SQLAlchemy's, made to hand connections out in the order they were asked for.

SQLAlchemy's pool gives a connection that was just returned to whoever asks next, even while
other requests have been waiting for one, so under load a few requests lose their turn again and
again. Here a request that has to wait takes a place in line (asyncio's semaphore wakes its
waiters first in, first out), and the connection handed back goes to the longest waiting.

It overrides two of the pool's private methods, `_do_get` and `_do_return_conn`, and reads
`_timeout` and `_max_overflow`: checked against SQLAlchemy 2.1 (2.1.9). tests/db/test_pool.py fails
if a later release changes how they are called.
"""

import asyncio
from typing import Any

from sqlalchemy import exc
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry
from sqlalchemy.util import await_


class FairPool(AsyncAdaptedQueuePool):
    def __init__(
        self,
        creator: Any,
        pool_size: int = 5,
        max_overflow: int = 10,
        timeout: float = 30.0,
        **kw: Any,
    ) -> None:
        if pool_size < 1 or max_overflow < 0:
            raise ValueError(
                "FairPool takes turns for a bounded pool: pool_size >= 1, overflow >= 0"
            )
        super().__init__(
            creator, pool_size=pool_size, max_overflow=max_overflow, timeout=timeout, **kw
        )
        # One turn per connection the pool may hand out at once.
        self._turns = asyncio.Semaphore(pool_size + max_overflow)

    def _do_get(self) -> ConnectionPoolEntry:
        try:
            await_(asyncio.wait_for(self._turns.acquire(), self._timeout))
        except TimeoutError:
            raise exc.TimeoutError(
                f"QueuePool limit of size {self.size()} overflow {self._max_overflow} reached, "
                f"no connection free within {self._timeout:g} s"
            ) from None
        try:
            return super()._do_get()
        except BaseException:
            self._turns.release()
            raise

    def _do_return_conn(self, record: ConnectionPoolEntry) -> None:
        try:
            super()._do_return_conn(record)
        finally:
            self._turns.release()
