"""Liveness (`GET /health`: the process answers) and readiness (`GET /health/ready`)."""

from typing import Literal

from fastapi import APIRouter, Response, status
from pydantic import BaseModel

from app.api.deps import SessionDep
from app.core.config import get_settings
from app.db.session import database_check

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
    error = await database_check(session, get_settings().readiness_timeout_seconds)
    if error is None:
        return Readiness(status="ok", checks={"database": "ok"})
    # The reason, not the database's address: anyone who can reach the probe may read it.
    timed_out = isinstance(error, TimeoutError)
    problem = str(error) if timed_out else f"unreachable ({type(error).__name__})"
    response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return Readiness(status="unavailable", checks={"database": problem})
