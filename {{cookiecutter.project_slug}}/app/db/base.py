"""The declarative base that every model inherits from."""

from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, declared_attr

# Ids are 32-bit integers on every database: the API refuses a larger one before any query.
MAX_ID = 2**31 - 1

# Named constraints give migrations stable names to refer to, on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    @declared_attr.directive
    def __table_args__(cls) -> dict[str, Any]:
        # SQLite gives the largest id again once its row is deleted, unless the table says
        # AUTOINCREMENT (PostgreSQL's sequences never do): so an id never changes hands. A model
        # with __table_args__ of its own ends them with this (tests/users/test_service.py checks).
        return {"sqlite_autoincrement": True}
