"""The benchmark's floor: a render's endpoints (`auth=jwt`, PostgreSQL) served by Starlette with
one asyncpg query each and nothing else: no ORM, no validation, no dependencies, no middleware, no
logging. What this machine can serve at all; a render is measured against it.

The same paths, SQL results and JSON as the render: `GET /health`, `GET /users/me` (a bearer
token's user), `GET /items/{id}`, `GET /items/` (20 by id) and `POST /items/` (owned by the
token's user).

    DATABASE_URL=postgresql+asyncpg://... SECRET_KEY=... uvicorn bench.floor:app --loop uvloop \\
        --http httptools
"""

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg  # type: ignore[import-untyped]  # (it ships no type hints)
import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

DSN = os.environ["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://", 1)
SECRET_KEY = os.environ["SECRET_KEY"]
ITEM = "SELECT id, name, description, price, owner_id FROM items"
pool: asyncpg.Pool


def user_id(request: Request) -> int | None:
    try:
        token = request.headers["authorization"].removeprefix("Bearer ")
        return int(jwt.decode(token, SECRET_KEY, algorithms=["HS256"])["sub"])
    except (KeyError, ValueError, jwt.InvalidTokenError):
        return None


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def read_me(request: Request) -> Response:
    me = user_id(request)
    row = me and await pool.fetchrow("SELECT id, username, email FROM users WHERE id = $1", me)
    return JSONResponse(dict(row)) if row else Response(status_code=401)


async def read_item(request: Request) -> Response:
    row = await pool.fetchrow(f"{ITEM} WHERE id = $1", int(request.path_params["item_id"]))
    return JSONResponse(dict(row)) if row else Response(status_code=404)


async def list_items(request: Request) -> Response:
    rows = await pool.fetch(f"{ITEM} ORDER BY id LIMIT 20")
    return JSONResponse([dict(row) for row in rows])


async def create_item(request: Request) -> Response:
    me = user_id(request)
    if me is None:
        return Response(status_code=401)
    body = json.loads(await request.body())
    row = await pool.fetchrow(
        "INSERT INTO items (name, description, price, owner_id) VALUES ($1, $2, $3, $4)"
        " RETURNING id, name, description, price, owner_id",
        body["name"], body.get("description"), body["price"], me,
    )  # fmt: skip
    return JSONResponse(dict(row), status_code=201)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    global pool
    async with asyncpg.create_pool(DSN, min_size=10, max_size=10) as pool:
        yield


app = Starlette(
    routes=[
        Route("/health", health),
        Route("/users/me", read_me),
        Route("/items/{item_id:int}", read_item),
        Route("/items/", list_items),
        Route("/items/", create_item, methods=["POST"]),
    ],
    lifespan=lifespan,
)
