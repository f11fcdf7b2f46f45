"""One rule for text: every string field of every operation refuses what cannot be stored.

The fields come from the OpenAPI schema, so a new one is tried as soon as it exists. Each gets a
lone surrogate (valid JSON, but no UTF-8 encoder takes it), a NUL character (PostgreSQL cannot
store it) and a value longer than its bound: 422 naming the field, or 401 at login, never a 5xx.
"""

import json
import re
from typing import Any
from urllib.parse import quote

import pytest
from httpx import AsyncClient

from app.main import app

OPENAPI = app.openapi()
BAD_TEXT = {"lone-surrogate": "abcdefgh\udc80", "nul": "abcdefgh\x00"}
# Bound used to try a string field whose schema declares none: it must still refuse this.
UNBOUNDED = 10_000
JSON = "application/json"
FORMS = "application/x-www-form-urlencoded"
LOGIN = "/auth/token"


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        resolved: dict[str, Any] = OPENAPI["components"]["schemas"][schema["$ref"].split("/")[-1]]
        return resolved
    return schema


def as_string(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The string schema of a field, looking through `anyOf` (optional fields), or None."""
    variants: list[dict[str, Any]] = [schema, *schema.get("anyOf", [])]
    return next((variant for variant in variants if variant.get("type") == "string"), None)


def string_fields() -> list[tuple[str, str, str, str, dict[str, Any]]]:
    """(method, path, where, name, string schema) of every string the API accepts."""
    fields = []
    for path, operations in OPENAPI["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if string := as_string(parameter["schema"]):
                    fields.append((method, path, parameter["in"], parameter["name"], string))
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                body = resolve(content["schema"])
                for name, schema in body.get("properties", {}).items():
                    if string := as_string(schema):
                        fields.append((method, path, media_type, name, string))
    return fields


def cases() -> list[Any]:
    found = []
    for method, path, where, name, schema in string_fields():
        over_long = "x" * (schema.get("maxLength", UNBOUNDED) + 1)
        values = {**BAD_TEXT, "over-long": over_long}
        if where != JSON:
            values.pop("lone-surrogate")  # URLs and forms cannot carry one: it arrives as U+FFFD
        for kind, value in values.items():
            found.append(
                pytest.param(method, path, where, name, value, id=f"{method}-{path}-{name}-{kind}")
            )
    return found


@pytest.mark.parametrize(("method", "path", "where", "name", "value"), cases())
async def test_unstorable_or_over_long_text_is_refused(
    async_client: AsyncClient, method: str, path: str, where: str, name: str, value: str
) -> None:
    # Other path parameters name a row that the client may change, so that only the text can be
    # wrong; other body fields are left out or, in a form, plain.
    created = await async_client.post("/items/", json={"name": "an item", "price": 1})
    rows = {"item_id": str(created.json()["id"])}
    url = re.sub(
        r"\{([^}]+)\}",
        lambda match: quote(value) if match[1] == name else rows.get(match[1], "1"),
        path,
    )
    request: dict[str, Any] = {}
    if where == JSON:
        # JSON spells the lone surrogate as an escape, which httpx's own encoder would refuse.
        request["content"] = json.dumps({name: value})
        request["headers"] = {"Content-Type": JSON}
    elif where == FORMS:
        request["data"] = {"username": "someone", "password": "a password", name: value}
    elif where == "query":
        request["params"] = {name: value}

    response = await async_client.request(method, url, **request)

    if path == LOGIN and name in {"username", "password"}:
        assert response.status_code == 401  # credentials that cannot match
    else:
        assert response.status_code == 422
        located = [error["loc"] for error in response.json()["detail"]]
        assert ["body" if where in {JSON, FORMS} else where, name] in located
