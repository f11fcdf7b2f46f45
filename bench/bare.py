"""The benchmark's bare app: a render's endpoints (`auth=jwt`) written as plainly as FastAPI and
SQLAlchemy allow, as their tutorials write them, on the render's own tables and tokens.

The same paths, SQL and response shapes as the render: `GET /health`, `GET /users/me` (a bearer
token's user, read from the database), `GET /items/{id}`, `GET /items/` (20 by id) and
`POST /items/` (owned by the token's user, read first), through one ORM session per request.
Nothing else: no middleware, no rate limits, no logging, no error handlers, SQLAlchemy's default
pool, a transaction for every request.

    DATABASE_URL=... SECRET_KEY=... uvicorn bench.bare:app --loop uvloop --http httptools
"""

import os
from collections.abc import AsyncIterator, Sequence
from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, Header, HTTPException, status
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str]
    email: Mapped[str]


class ItemRow(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    description: Mapped[str | None]
    price: Mapped[float]
    owner_id: Mapped[int]


engine = create_async_engine(os.environ["DATABASE_URL"], pool_size=10, max_overflow=0)
sessions = async_sessionmaker(engine, expire_on_commit=False)
SECRET_KEY = os.environ["SECRET_KEY"]


async def get_session() -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session


Session = Annotated[AsyncSession, Depends(get_session)]


def user_id(authorization: Annotated[str, Header()]) -> int:
    try:
        claims = jwt.decode(authorization.removeprefix("Bearer "), SECRET_KEY, algorithms=["HS256"])
        return int(claims["sub"])
    except (jwt.InvalidTokenError, KeyError, ValueError):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED) from None


UserId = Annotated[int, Depends(user_id)]


async def current_user(session: Session, me: UserId) -> UserRow:
    user = await session.get(UserRow, me)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED)
    return user


CurrentUser = Annotated[UserRow, Depends(current_user)]


class ItemIn(BaseModel):
    name: str
    description: str | None = None
    price: float


class Item(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    description: str | None
    price: float
    owner_id: int


class User(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    email: str


app = FastAPI()


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/users/me", response_model=User)
async def read_me(me: CurrentUser) -> UserRow:
    return me


@app.get("/items/{item_id}", response_model=Item)
async def read_item(item_id: int, session: Session) -> ItemRow:
    item = await session.get(ItemRow, item_id)
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    return item


@app.get("/items/", response_model=list[Item])
async def list_items(session: Session, offset: int = 0, limit: int = 20) -> Sequence[ItemRow]:
    items = await session.scalars(select(ItemRow).order_by(ItemRow.id).offset(offset).limit(limit))
    return items.all()


@app.post("/items/", status_code=status.HTTP_201_CREATED, response_model=Item)
async def create_item(item_in: ItemIn, session: Session, me: CurrentUser) -> ItemRow:
    item = ItemRow(**item_in.model_dump(), owner_id=me.id)
    session.add(item)
    await session.commit()
    return item
