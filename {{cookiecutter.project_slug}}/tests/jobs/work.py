"""Jobs that only the tests enqueue: one that fails, one whose every run shows in the database,
and, for the live tests' workers (python -m tests.jobs.worker), one that waits to be let go and
one that kills the worker that runs it."""

import asyncio
import os
import signal

import anyio
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.items.models import Item
from app.jobs import job


@job
async def fails(session: AsyncSession, message: str) -> None:
    raise RuntimeError(message)


@job
async def add_to_price(session: AsyncSession, item_id: int, amount: float) -> None:
    """Adds to the item's price: run twice, it would add twice."""
    await session.execute(update(Item).where(Item.id == item_id).values(price=Item.price + amount))


@job
async def add_to_price_when_let_go(
    session: AsyncSession, item_id: int, amount: float, folder: str
) -> None:
    """Adds to the item's price, notes that it started (folder/started-<pid>), then waits while
    folder/hold exists, so that a test can stop its worker in the middle of it."""
    await add_to_price(session, item_id, amount)
    await anyio.Path(folder, f"started-{os.getpid()}").touch()
    # Another process lets it go, by deleting the file: there is no event to wait for.
    while await anyio.Path(folder, "hold").exists():  # noqa: ASYNC110
        await asyncio.sleep(0.05)


@job
async def kills_its_worker(session: AsyncSession) -> None:
    """Ends the worker process at once, as an out-of-memory kill or a crash in C would."""
    os.kill(os.getpid(), signal.SIGKILL)
