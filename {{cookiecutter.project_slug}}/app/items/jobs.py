"""The items' background jobs."""

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from app.items.models import Item
from app.jobs import job

logger = logging.getLogger(__name__)


@job
async def item_created(session: AsyncSession, item_id: int) -> None:
    """What an item's creation sets off, after the response: here, a line in the worker's log;
    in a real service, say, its pictures resized, its search index entry, or a webhook. Writes
    through `session` happen once (app/jobs/runner.py); anything else at least once."""
    item = await session.get(Item, item_id)
    if item is None:
        return  # deleted meanwhile: nothing to do
    logger.info("Item %d created: %s", item.id, item.name)
