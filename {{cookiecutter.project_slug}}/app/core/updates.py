"""The fields of a partial update (PATCH): each may be left out, which keeps its value, but not
set to null where the column requires a value."""

from typing import Annotated, TypeVar

from pydantic import AfterValidator

T = TypeVar("T")


def _not_null(value: T | None) -> T:
    if value is None:
        raise ValueError("may be omitted, but not null")
    return value


# `name: Omittable[Name] = None`: a field left out keeps its value (a default is not validated);
# null is a 422.
Omittable = Annotated[T | None, AfterValidator(_not_null)]
