"""A request that only reads (GET, HEAD, OPTIONS) gets a session without a transaction in
production (app/db/session.py): no route that answers one may write, or its writes would each be
committed at once, with nothing to roll back on an error."""

from collections.abc import Callable

from httpx import AsyncClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session

from tests import factories
from tests.api_client import filled, operations


async def test_no_route_that_answers_a_get_writes(
    async_client: AsyncClient, db_session: AsyncSession
) -> None:
    item = await factories.create_item(db_session)
    user = await factories.create_user(db_session)
    writes: list[str] = []

    def note_statement(state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            writes.append(str(state.statement))

    def note_flush(session: Session, *_: object) -> None:
        writes.extend(repr(row) for row in (*session.new, *session.dirty, *session.deleted))

    listeners: list[tuple[str, Callable[..., None]]] = [
        ("do_orm_execute", note_statement),
        ("before_flush", note_flush),
    ]
    for name, listener in listeners:
        event.listen(db_session.sync_session, name, listener)
    try:
        answered = {}
        for path in [path for method, path in operations() if method == "GET"]:
            # A resource whose id is not given here gets 1.
            url = filled(path, item_id=item.id, user_id=user.id)
            answered[path] = (await async_client.get(url)).status_code
    finally:
        for name, listener in listeners:
            event.remove(db_session.sync_session, name, listener)

    assert writes == []
    assert answered["/items/{item_id}"] == 200, answered  # the routes met real rows
