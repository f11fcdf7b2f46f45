"""The benchmark's floor: a render's endpoints (`auth=jwt`) written as plainly as FastAPI and
SQLAlchemy allow, on the render's own tables and tokens.

The same paths, SQL and response shapes as the render: `GET /health`, `GET /users/me` (a bearer
token's user), `GET /items/{id}`, `GET /items/` (20 by id) and `POST /items/` (owned by the token's
user). Nothing else: no middleware, no rate limits, no logging, no error handlers, one connection
per request from SQLAlchemy's default pool.

    DATABASE_URL=... SECRET_KEY=... uvicorn bench.bare:app --loop uvloop --http httptools
"""

import os
from collections.abc import AsyncIterator
from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, Header, HTTPException, status
from pydantic import BaseModel
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

metadata = MetaData()
users = Table(
    "users", metadata, Column("id", Integer, primary_key=True), Column("username", String),
    Column("email", String),
)  # fmt: skip
items = Table(
    "items", metadata, Column("id", Integer, primary_key=True), Column("name", String),
    Column("description", String), Column("price", Float), Column("owner_id", Integer),
)  # fmt: skip
engine = create_async_engine(os.environ["DATABASE_URL"], pool_size=10, max_overflow=0)
SECRET_KEY = os.environ["SECRET_KEY"]


async def connection() -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as opened:
        yield opened


Connection = Annotated[AsyncConnection, Depends(connection)]


def user_id(authorization: Annotated[str, Header()]) -> int:
    try:
        claims = jwt.decode(authorization.removeprefix("Bearer "), SECRET_KEY, algorithms=["HS256"])
        return int(claims["sub"])
    except (jwt.InvalidTokenError, KeyError, ValueError):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED) from None


UserId = Annotated[int, Depends(user_id)]


class ItemIn(BaseModel):
    name: str
    description: str | None = None
    price: float


class Item(BaseModel):
    id: int
    name: str
    description: str | None
    price: float
    owner_id: int


class User(BaseModel):
    id: int
    username: str
    email: str


app = FastAPI()


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/users/me")
async def read_me(db: Connection, me: UserId) -> User:
    row = (await db.execute(select(users).where(users.c.id == me))).one_or_none()
    if row is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED)
    return User.model_validate(row._mapping)


@app.get("/items/{item_id}")
async def read_item(item_id: int, db: Connection) -> Item:
    row = (await db.execute(select(items).where(items.c.id == item_id))).one_or_none()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    return Item.model_validate(row._mapping)


@app.get("/items/")
async def list_items(db: Connection, offset: int = 0, limit: int = 20) -> list[Item]:
    rows = await db.execute(select(items).order_by(items.c.id).offset(offset).limit(limit))
    return [Item.model_validate(row._mapping) for row in rows]


@app.post("/items/", status_code=status.HTTP_201_CREATED)
async def create_item(item: ItemIn, db: Connection, me: UserId) -> Item:
    row = (
        await db.execute(insert(items).values(**item.model_dump(), owner_id=me).returning(items))
    ).one()
    await db.commit()
    return Item.model_validate(row._mapping)
