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


def smallest_body(schema: dict[str, Any]) -> dict[str, object]:
    """A body with the schema's required fields alone, each at its simplest."""
    simplest = {"string": "x", "number": 1, "integer": 1, "boolean": True}
    body = resolve(schema)
    return {name: simplest[body["properties"][name]["type"]] for name in body.get("required", [])}


async def row_made_by(client: AsyncClient, path: str) -> str:
    """The id of a row of the collection that the path is in (`/items/` for `/items/{item_id}`),
    made by the client from the smallest body that the collection takes; "1" for other paths."""
    collection = path.split("{")[0]
    if collection == path or "post" not in OPENAPI["paths"].get(collection, {}):
        return "1"
    create = OPENAPI["paths"][collection]["post"]["requestBody"]["content"][JSON]["schema"]
    made = await client.post(collection, json=smallest_body(create))
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


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
    admin_client: AsyncClient, method: str, path: str, where: str, name: str, value: str
) -> None:
    # The row that the path names is one the client made, so that only the text can be wrong; other
    # body fields are left out or, in a form, plain.
    row = await row_made_by(admin_client, path) if where in {JSON, FORMS} else "1"
    url = re.sub(r"\{([^}]+)\}", lambda match: quote(value) if match[1] == name else row, path)
    request: dict[str, Any] = {}
    if where == JSON:
        # JSON spells the lone surrogate as an escape, which httpx's own encoder would refuse.
        request["content"] = json.dumps({name: value})
        request["headers"] = {"Content-Type": JSON}
    elif where == FORMS:
        request["data"] = {"username": "someone", "password": "a password", name: value}
    elif where == "query":
        request["params"] = {name: value}

    response = await admin_client.request(method, url, **request)

    if path == LOGIN and name in {"username", "password"}:
        assert response.status_code == 401  # credentials that cannot match
    else:
        assert response.status_code == 422
        located = [error["loc"] for error in response.json()["detail"]]
        assert ["body" if where in {JSON, FORMS} else where, name] in located
