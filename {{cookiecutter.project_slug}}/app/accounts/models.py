"""The single-use tokens of the links in account mails: for a password reset, or to verify an
address (the user's own, or the one they asked to change to). Random, stored only as hashes, each
works once, until it expires.
"""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.auth.models import TOKEN_HASH_LENGTH
from app.db.base import Base
from app.users.models import EMAIL_MAX_LENGTH


class AccountToken(Base):
    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # "reset" or "verify"
    # The address that a "verify" token verifies: the user's, or the one they are changing to.
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX_LENGTH))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
