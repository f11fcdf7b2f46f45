"""Every model, imported in one place so that `Base.metadata` knows all tables.

Table creation, the migrations and the tests read the metadata here: import each new model below.
"""

{% if cookiecutter.auth == "jwt" -%}
from app.accounts.models import AccountToken
from app.auth.models import AuthSession, RefreshToken
{% endif -%}
from app.db.base import Base
from app.items.models import Item
{% if cookiecutter.background_jobs == "taskiq" -%}
from app.jobs.models import Job
{% endif -%}
from app.users.models import User

__all__ = ["Base", "Item", "User"]
{%- if cookiecutter.auth == "jwt" %}
__all__ += ["AccountToken", "AuthSession", "RefreshToken"]
{%- endif %}
{%- if cookiecutter.background_jobs == "taskiq" %}
__all__ += ["Job"]
{%- endif %}
