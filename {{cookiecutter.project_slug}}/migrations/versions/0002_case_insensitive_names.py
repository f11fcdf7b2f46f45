"""For databases made before 0.2.0 (a newer one has nothing here to change): usernames and emails
ignore case, usernames lower-cased, emails NFKC-normalised and lower-cased.

Revision ID: 0002
Revises: 0001
"""

import unicodedata
from collections import Counter
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from alembic.util import CommandError

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

users = sa.table("users", sa.column("id", sa.Integer), sa.column("username"), sa.column("email"))


def normalised(username: str, email: str) -> tuple[str, str]:
    return username.lower(), unicodedata.normalize("NFKC", email).lower()


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c.username, users.c.email)).all()
    after = {row.id: normalised(row.username, row.email) for row in rows}
    for position, kind in enumerate(("username", "email")):
        taken = Counter(names[position] for names in after.values())
        clashes = sorted(name for name, count in taken.items() if count > 1)
        if clashes:
            raise CommandError(
                f"Users whose {kind}s differ only in case or form cannot both keep them: "
                f"{', '.join(clashes)}. Change all but one, then upgrade again."
            )
    changed = [
        {"user_id": row.id, "new_username": after[row.id][0], "new_email": after[row.id][1]}
        for row in rows
        if after[row.id] != (row.username, row.email)
    ]
    if changed:
        connection.execute(
            users.update()
            .where(users.c.id == sa.bindparam("user_id"))
            .values(username=sa.bindparam("new_username"), email=sa.bindparam("new_email")),
            changed,
        )


def downgrade() -> None:
    # The names' original case is not kept anywhere: they stay as they are.
    pass
