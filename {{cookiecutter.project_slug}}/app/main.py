"""The application: its lifespan and its routers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware

from app.api import errors, health
{%- if cookiecutter.auth == "jwt" %}
from app.auth import router as auth_router
from app.auth.config import get_auth_settings
{%- endif %}
from app.core.config import get_settings
{%- if not cookiecutter.use_alembic %}
from app.db import models
{%- endif %}
from app.db.session import engine
from app.items import router as items_router
from app.users import router as users_router


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
{%- if cookiecutter.use_alembic %}
    # The schema is the migrations' business (`alembic upgrade head`, run before the app starts).
{%- else %}
    async with engine.begin() as connection:
        await connection.run_sync(models.Base.metadata.create_all)
{%- endif %}
    yield
    await engine.dispose()


settings = get_settings()
{%- if cookiecutter.auth == "jwt" %}
get_auth_settings()  # Refuse to start without a proper SECRET_KEY, before serving anything.
{%- endif %}
app = FastAPI(title=settings.project_name, lifespan=lifespan)
if settings.cors_origins:
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["*"],
        allow_headers=["*"],
    )
app.add_exception_handler(RequestValidationError, errors.validation_error_without_input)
app.include_router(health.router)
{%- if cookiecutter.auth == "jwt" %}
app.include_router(auth_router.router)
{%- endif %}
app.include_router(users_router.router)
app.include_router(items_router.router)
