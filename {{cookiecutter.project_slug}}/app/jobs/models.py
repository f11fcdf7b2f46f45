"""The jobs that are waiting, running, due again, or failed for good."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base

NAME_MAX_LENGTH = 200
ERROR_MAX_LENGTH = 1000


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The work, by its module and name (app/jobs/runner.py), and what it is given.
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    arguments: Mapped[dict[str, Any]] = mapped_column(JSON)
    # What the job's logs and spans carry from the request that enqueued it: its request id and,
    # with tracing, its trace context.
    context: Mapped[dict[str, str]] = mapped_column(JSON)
    # Attempts started: counted as each starts, so that one whose worker dies counts too.
    attempts: Mapped[int] = mapped_column(default=0)
    # When the relay sends it (again), unless it is done by then.
    run_after: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # While a worker runs it: when that worker last showed it is still at it (app/jobs/runner.py).
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(String(ERROR_MAX_LENGTH))
