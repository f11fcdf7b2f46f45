"""Liveness (`GET /health`: the process answers) and readiness (`GET /health/ready`)."""

import asyncio
from typing import Literal

from fastapi import APIRouter, Response, status
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.api.deps import SessionDep
from app.core.config import get_settings

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ok", "unavailable"]
    # Each check's name, and "ok" or what went wrong.
    checks: dict[str, str]


@router.get("/health")
async def health() -> Health:
    """Report that the process is up, without touching the database."""
    return Health(status="ok")


@router.get(
    "/health/ready",
    responses={status.HTTP_503_SERVICE_UNAVAILABLE: {"model": Readiness}},
)
async def ready(session: SessionDep, response: Response) -> Readiness:
    """Report whether the service can serve: the database answers `SELECT 1` in time."""
    timeout = get_settings().readiness_timeout_seconds
    try:
        async with asyncio.timeout(timeout):
            await session.execute(text("SELECT 1"))
    except TimeoutError:
        problem = f"no answer within {timeout:g} s"
    except (OSError, SQLAlchemyError) as error:
        problem = f"unreachable ({type(error).__name__})"
    else:
        return Readiness(status="ok", checks={"database": "ok"})
    response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return Readiness(status="unavailable", checks={"database": problem})
