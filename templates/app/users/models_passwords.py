{% if cookiecutter.auth == "jwt" -%}
from sqlalchemy import String, false, true
{% else -%}
from sqlalchemy import String
{% endif -%}
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base

USERNAME_MAX_LENGTH = 32
EMAIL_MAX_LENGTH = 254


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME_MAX_LENGTH), unique=True)
    # Stored lower-cased, so that the unique constraint ignores case on every database.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), unique=True)
    hashed_password: Mapped[str] = mapped_column(String(255))
{%- if cookiecutter.auth == "jwt" %}
    # "user", or "admin", who also manages the other users (app/admin/router.py)
    role: Mapped[str] = mapped_column(String(16), default="user", server_default="user")
    # A deactivated user cannot sign in, and their sessions ended when they were deactivated.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Set once the user follows the link mailed to their address (app/accounts/links.py).
    email_verified: Mapped[bool] = mapped_column(default=False, server_default=false())
{%- endif %}
