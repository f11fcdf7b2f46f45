from sqlalchemy import Index, String, true
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base

USERNAME_MAX_LENGTH = 32
EMAIL_MAX_LENGTH = 254
ISSUER_MAX_LENGTH = 255
SUBJECT_MAX_LENGTH = 255


class User(Base):
    """A subject of the identity provider, made the first time a token of theirs comes
    (app/users/service.py): the provider holds their password, names and roles."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(ISSUER_MAX_LENGTH))
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX_LENGTH))
    # As the user's latest token gave them: preferred_username (or email, or subject), and email.
    username: Mapped[str] = mapped_column(String(USERNAME_MAX_LENGTH))
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX_LENGTH))
    # A user deactivated here is refused, whatever their tokens say (app/users/router.py).
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())


# One user per subject: two first requests at once make one (app/users/service.py).
Index(None, User.issuer, User.subject, unique=True)
