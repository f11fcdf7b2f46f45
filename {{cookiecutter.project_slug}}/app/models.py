"""Every model, imported in one place so that `Base.metadata` knows all tables.

Table creation, the migrations and the tests read the metadata here: import each new model below.
"""

from app.db.base import Base
from app.items.models import Item
from app.users.models import User

__all__ = ["Base", "Item", "User"]
