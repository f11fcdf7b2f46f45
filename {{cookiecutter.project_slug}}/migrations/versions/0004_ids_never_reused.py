"""Ids are never given again: on SQLite, users and items say AUTOINCREMENT.

Revision ID: 0004
Revises: 0002

SQLite otherwise gives the largest id again once its row is deleted, so a deleted user's token
would sign in as the next user to sign up. PostgreSQL's sequences never give an id twice: there
this revision changes nothing.

SQLite cannot alter a primary key: each table is copied into a new one that says AUTOINCREMENT.
Dropping the old one with foreign keys on would delete the rows that refer to it (the items, ON
DELETE CASCADE), so this revision runs only with them off, as migrations/env.py runs it. Downgrading
copies the tables back without AUTOINCREMENT.
"""

from collections.abc import Sequence

from alembic import op
from alembic.util import CommandError

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("users", "items")


def upgrade() -> None:
    copy_tables(autoincrement=True)


def downgrade() -> None:
    copy_tables(autoincrement=False)


def copy_tables(*, autoincrement: bool) -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    if connection.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise CommandError(
            "revision 0004 copies tables, which with SQLite's foreign keys on would delete the "
            "rows that refer to them: migrate with them off, as migrations/env.py does"
        )
    for name in TABLES:
        options = {"sqlite_autoincrement": autoincrement}
        with op.batch_alter_table(name, recreate="always", table_kwargs=options):
            pass
