"""Users are the identity provider's: each is its (issuer, subject), named as its latest token named
it, and can be deactivated here. The provider holds the passwords.

Revision ID: 0006
Revises: 0005

A database with users cannot take this revision: nothing says which of the provider's subjects each
of them is.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from alembic.util import CommandError

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    users = op.get_bind().scalar(sa.text("SELECT count(*) FROM users"))
    if users:
        raise CommandError(
            f"users with passwords: {users}. Users signed in by an identity provider are made by "
            "their first request; delete these first"
        )
    with op.batch_alter_table("users", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_constraint(op.f("uq_users_username"), type_="unique")
        batch.drop_constraint(op.f("uq_users_email"), type_="unique")
        batch.drop_column("hashed_password")
        batch.alter_column("email", existing_type=sa.String(length=254), nullable=True)
        batch.add_column(sa.Column("issuer", sa.String(length=255), nullable=False))
        batch.add_column(sa.Column("subject", sa.String(length=255), nullable=False))
        batch.add_column(
            sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch.create_index(op.f("ix_users_issuer"), ["issuer", "subject"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("users", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_index(op.f("ix_users_issuer"))
        batch.drop_column("is_active")
        batch.drop_column("subject")
        batch.drop_column("issuer")
        batch.alter_column("email", existing_type=sa.String(length=254), nullable=False)
        batch.add_column(sa.Column("hashed_password", sa.String(length=255), nullable=False))
        batch.create_unique_constraint(op.f("uq_users_email"), ["email"])
        batch.create_unique_constraint(op.f("uq_users_username"), ["username"])
