"""Items belong to the user who made them.

Revision ID: 0003
Revises: 0002

A project that turns auth on later upgrades a live database with this revision: items made before
then need an owner, named with `alembic -x items_owner=<user id> upgrade head`. A project made with
auth before 0.2.0 has owners already: its 0001 created the column, with its key and index.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op
from alembic.util import CommandError

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    if any(column["name"] == "owner_id" for column in sa.inspect(connection).get_columns("items")):
        return
    items = connection.scalar(sa.text("SELECT count(*) FROM items"))
    owner = context.get_x_argument(as_dictionary=True).get("items_owner")
    if items and owner is None:
        raise CommandError(
            f"items made before items had owners: {items}. Name the user who is to own them "
            "with `alembic -x items_owner=<user id> upgrade head`"
        )
    with op.batch_alter_table("items", table_kwargs=kept_table_options()) as batch:
        batch.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
    if items:
        op.execute(sa.text("UPDATE items SET owner_id = :owner").bindparams(owner=int(owner)))
    with op.batch_alter_table("items", table_kwargs=kept_table_options()) as batch:
        batch.alter_column("owner_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            op.f("fk_items_owner_id_users"), "users", ["owner_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index(op.f("ix_items_owner_id"), ["owner_id"])


def downgrade() -> None:
    with op.batch_alter_table("items", table_kwargs=kept_table_options()) as batch:
        batch.drop_index(op.f("ix_items_owner_id"))
        batch.drop_constraint(op.f("fk_items_owner_id_users"), type_="foreignkey")
        batch.drop_column("owner_id")


def kept_table_options() -> dict[str, bool]:
    """SQLite copies the table in each batch: the copy keeps the AUTOINCREMENT that revision 0004
    may have given it, in a project that turns auth on after 0004."""
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return {}
    sql = connection.scalar(sa.text("SELECT sql FROM sqlite_master WHERE name = 'items'"))
    return {"sqlite_autoincrement": "AUTOINCREMENT" in str(sql).upper()}
