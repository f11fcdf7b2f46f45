from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.core.text import StorableText
from app.core.updates import Omittable
from app.items.models import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH

Name = Annotated[
    str,
    StorableText,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX_LENGTH),
]
Description = Annotated[str, StorableText, StringConstraints(max_length=DESCRIPTION_MAX_LENGTH)]
Price = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class ItemCreate(BaseModel):
    name: Name
    description: Description | None = None
    price: Price


class ItemUpdate(BaseModel):
    """Fields to change; a field left out keeps its value."""

    name: Omittable[Name] = None
    description: Description | None = None
    price: Omittable[Price] = None


class ItemPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str | None
    price: float
{%- if cookiecutter.auth != "none" %}
    owner_id: int
{%- endif %}
