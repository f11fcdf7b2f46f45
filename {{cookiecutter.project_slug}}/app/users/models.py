{% if cookiecutter.auth == "jwt" -%}
from sqlalchemy import String, false, true
{% elif cookiecutter.auth == "oidc" -%}
from sqlalchemy import Index, String, true
{% else -%}
from sqlalchemy import String
{% endif -%}
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base

USERNAME_MAX_LENGTH = 32
EMAIL_MAX_LENGTH = 254
{%- if cookiecutter.auth == "oidc" %}
ISSUER_MAX_LENGTH = 255
SUBJECT_MAX_LENGTH = 255
{%- endif %}


class User(Base):
    __tablename__ = "users"
{%- if cookiecutter.auth == "oidc" %}

    # A user is a subject of the identity provider, made the first time a token of theirs comes
    # (app/users/service.py): the provider holds their password, names and roles.
    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(ISSUER_MAX_LENGTH))
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX_LENGTH))
    # As the user's latest token gave them: preferred_username (or email, or subject), and email.
    username: Mapped[str] = mapped_column(String(USERNAME_MAX_LENGTH))
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX_LENGTH))
    # A user deactivated here is refused, whatever their tokens say (app/users/router.py).
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
{%- else %}

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME_MAX_LENGTH), unique=True)
    # Stored lower-cased, so that the unique constraint ignores case on every database.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), unique=True)
    hashed_password: Mapped[str] = mapped_column(String(255))
{%- endif %}
{%- if cookiecutter.auth == "jwt" %}
    # "user", or "admin", who also manages the other users (app/admin/router.py)
    role: Mapped[str] = mapped_column(String(16), default="user", server_default="user")
    # A deactivated user cannot sign in, and their sessions ended when they were deactivated.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Set once the user follows the link mailed to their address (app/accounts/links.py).
    email_verified: Mapped[bool] = mapped_column(default=False, server_default=false())
{%- endif %}
{%- if cookiecutter.auth == "oidc" %}


# One user per subject: two first requests at once make one (app/users/service.py).
Index(None, User.issuer, User.subject, unique=True)
{%- endif %}
