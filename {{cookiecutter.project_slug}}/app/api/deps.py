"""Dependencies and parameter types shared by the routers."""

from typing import Annotated

from fastapi import Depends, Path, Query
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db.base import MAX_ID
from app.db.session import get_db, get_sessions

MAX_PAGE_SIZE = 100

SessionDep = Annotated[AsyncSession, Depends(get_db)]
SessionsDep = Annotated[async_sessionmaker[AsyncSession], Depends(get_sessions)]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
