"""Items' owners (0003) and ids never given again (0004), in one history.

Revision ID: 0005
Revises: 0003, 0004

0003 and 0004 each follow 0002, so that a project that turns auth on after 0004 still gets 0003.
"""

from collections.abc import Sequence

revision: str = "0005"
down_revision: str | Sequence[str] | None = ("0003", "0004")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
